"""The layout tells pure from I/O: every module under services/<name>/domain/ is pure, and every other
module of a service does I/O (records.py and settings.py, data and config, are pure but stay beside
app.py). Pure: no `async`, and imports only stdlib modules that do no I/O, pydantic, contracts, the
service's own domain modules, records and settings, the kit's pure modules and the renderers' libraries
below; and reaches no I/O through any of them either (no event loop, driver, broker, web framework or
store). Read from the source (nothing is imported), so a domain module stays testable without servers."""
from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/app.py"))
IO_PACKAGES = {"asyncio", "asyncpg", "aiokafka", "faststream", "fastapi", "aiosmtplib", "uvicorn", "socket",
               "httpx", "subprocess"}
# Standard library modules that do I/O (or run things concurrently): never in a domain module.
STDLIB_IO = IO_PACKAGES | {"ssl", "select", "selectors", "http", "urllib.request", "smtplib", "imaplib", "poplib",
                           "ftplib", "sqlite3", "dbm", "shelve", "os", "shutil", "tempfile", "signal", "threading",
                           "multiprocessing", "concurrent", "logging", "time"}
# Renderers draw text, calendars, PDFs and charts in memory, from files that ship with the code
# (templates, fonts): reading those is not the I/O kept out here (no network, database or broker).
RENDERING = {"jinja2", "fpdf", "icalendar", "matplotlib", "pathlib"}
PURE_KIT = {"ptfc.kit.addresses", "ptfc.kit.calendar", "ptfc.kit.pdf"}
DATA = ("__init__", "records", "settings")  # beside app.py, pure, not rules


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


DOMAIN = sorted(_module(p) for p in (ROOT / "services").glob("*/domain/*.py"))
OUTSIDE = sorted(_module(p) for s in SERVICES for p in (ROOT / "services" / s).glob("*.py") if p.stem not in DATA)
RECORDS = sorted(_module(p) for p in (ROOT / "services").glob("*/records.py"))


def _path(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def _tree(module: str) -> ast.Module:
    return ast.parse(_path(module).read_text())


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The module a `from ... import` names, relative imports made absolute."""
    if not node.level:
        return node.module
    package = module if _path(module).name == "__init__.py" else module.rpartition(".")[0]
    parts = package.split(".")
    return ".".join(filter(None, (".".join(parts[:len(parts) - node.level + 1]), node.module)))


def _imports(module: str) -> set[str]:
    """Every name an import in `module` may mean: `from pkg import x` may import module pkg.x."""
    out: set[str] = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            name = _absolute(module, node)
            out.add(name)
            out |= {f"{name}.{a.name}" for a in node.names}
    return out - {"__future__", "__future__.annotations"}


def _imported_modules(module: str) -> set[str]:
    """The modules `module` imports: `from pkg import x` imports pkg.x when that is a module here,
    else (a value, or a module of an outside package) pkg."""
    out: set[str] = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            name = _absolute(module, node)
            out |= {f"{name}.{a.name}" if _path(f"{name}.{a.name}") else name for a in node.names}
    return out


@cache
def io_reached(module: str, via: tuple[str, ...] = ()) -> str | None:
    """The import chain by which `module` reaches I/O, or None."""
    for name in sorted(_imports(module)):
        if name.split(".")[0] in IO_PACKAGES or name.rsplit(".", 1)[-1].startswith("store"):
            return " -> ".join((*via, module, name))
        if _path(name) is not None and name != module and name not in via:
            chain = io_reached(name, (*via, module))
            if chain:
                return chain
    return None


def _under(name: str, modules: set[str]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


def _allowed(name: str, service: str) -> bool:
    """Whether a domain module of `service` may import module `name`."""
    own = {f"services.{service}.{m}" for m in ("domain", "records", "settings")}
    if _under(name, STDLIB_IO):
        return False
    root = name.split(".")[0]
    return (root in sys.stdlib_module_names or root in RENDERING or root in {"pydantic", "contracts"}
            or _under(name, own | PURE_KIT))


def test_every_service_has_a_domain_package():
    assert SERVICES and DOMAIN
    for s in SERVICES:
        assert _path(f"services.{s}.domain") is not None, f"services/{s}/domain/__init__.py is missing"


@pytest.mark.parametrize("module", DOMAIN)
def test_a_domain_module_is_not_async(module):
    found = [f"line {n.lineno}" for n in ast.walk(_tree(module))
             if isinstance(n, (ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith))]
    assert not found, f"{module} is under domain/ but async at {', '.join(found)}"


@pytest.mark.parametrize("module", DOMAIN)
def test_a_domain_module_imports_only_pure_modules(module):
    service = module.split(".")[1]
    bad = sorted(n for n in _imported_modules(module) if not _allowed(n, service))
    assert not bad, f"{module} imports {bad}: I/O, or not this service's pure code"


@pytest.mark.parametrize("module", DOMAIN + RECORDS)
def test_a_pure_module_reaches_no_io(module):
    assert io_reached(module) is None, io_reached(module)


@pytest.mark.parametrize("module", OUTSIDE)
def test_a_module_outside_domain_does_io(module):
    """The layout stays the truth: a service module that neither awaits nor reaches I/O is a pure
    rule, and belongs under domain/."""
    asynchronous = any(isinstance(n, (ast.AsyncFunctionDef, ast.Await)) for n in ast.walk(_tree(module)))
    assert asynchronous or io_reached(module), f"{module} does no I/O: move it to services/*/domain/"


def test_the_check_itself_sees_io_through_another_module():
    assert io_reached("services.referral.outcomes")  # a handler module: stores and the kit's timers
    assert not _allowed("asyncio", "referral") and not _allowed("services.referral.store", "referral")
    assert not _allowed("services.learning.domain.course", "referral")  # another service's rules
