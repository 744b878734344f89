"""A TCP proxy a test can cut, to simulate a database or broker outage against any server: the
one `make chaos` cuts the broker with (one home, in ptfc)."""
from __future__ import annotations

from ptfc.chaos.proxy import Proxy as CuttableProxy

__all__ = ["CuttableProxy"]
