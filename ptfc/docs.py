"""Generated contract documents: a JSON Schema per event type, and an AsyncAPI 3.0 and an OpenAPI
3.1 document per service.

All are derived from code (the pydantic models in `contracts/`, each service's faststream router
and its FastAPI app), committed under `contracts/`, and checked for drift by `ptfc schemas` and the unit tests:
partners read the committed files, so they must never disagree with what the services accept.
"""
from __future__ import annotations

import importlib.util
import json
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, create_model

from contracts.envelope import CloudEvent
from contracts.registry import DATA_MODELS

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS_DIR = ROOT / "contracts" / "schemas"
ASYNCAPI_DIR = ROOT / "contracts" / "asyncapi"
OPENAPI_DIR = ROOT / "contracts" / "openapi"
DOC_LOT = "lot-north"  # the committed workshops document; every lot differs only in topic names
# The broker address shown in the documents: compose's internal listener, not whoever ran `make`.
DOC_BOOTSTRAP = "kafka:9092"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


# --- JSON Schemas ------------------------------------------------------------------------------

def envelope_model(event_type: str) -> type[BaseModel]:
    """`CloudEvent[Model]` with `type` narrowed to this one type (a `const` in the schema)."""
    data_model = DATA_MODELS[event_type]
    return create_model(
        f"{data_model.__name__}Event",
        __base__=CloudEvent[data_model],
        type=(Literal[event_type], ...),  # type: ignore[valid-type]
    )


def event_schema(event_type: str) -> dict[str, Any]:
    schema = envelope_model(event_type).model_json_schema()
    # Name the schema after the wire type, not the generated class, and say which dialect it is.
    schema["title"] = event_type
    schema["description"] = (f"CloudEvents 1.0 envelope (structured JSON mode) of {event_type}; "
                             "generated from contracts/ by `make schemas`, do not edit.")
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def schema_path(event_type: str) -> Path:
    return SCHEMAS_DIR / f"{event_type}.json"


# --- AsyncAPI ------------------------------------------------------------------------------------

def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing: the service is not there
        return False


def services() -> list[str]:
    """Services present in this checkout (others are still being built and are skipped)."""
    from ptfc import catalogue
    try:
        return catalogue.available()
    except ModuleNotFoundError:
        # catalogue.available() raises while any service package is absent; same answer, safely.
        return [name for name, mod in catalogue.SERVICES.items() if _importable(mod)]


def _version() -> str:
    try:
        return metadata.version("ptfc")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def asyncapi(service: str, lot: str | None = DOC_LOT) -> dict[str, Any]:
    """The service's AsyncAPI 3.0.0 document, from its router; nothing is connected."""
    from faststream.specification import AsyncAPI

    from ptfc.kit.service import Service
    from ptfc.kit.settings import Settings
    from ptfc.catalogue import spec

    svc_spec = spec(service)
    # Pinned, not from the environment: the committed document must not depend on who ran it.
    settings = Settings(lot=lot if svc_spec.needs_lot else None, topic_namespace="",
                        kafka_bootstrap_servers=DOC_BOOTSTRAP, kafka_security_protocol="PLAINTEXT",
                        kafka_sasl_mechanism=None)
    svc = Service(svc_spec, settings)
    broker = svc.make_broker()
    description = (
        f"`{svc.instance}`: the {service} service of Planning Together for Children. Every message "
        "is a CloudEvents 1.0 envelope in structured JSON mode, keyed by case number; the JSON "
        "Schema of each event type is in contracts/schemas/<type>.json. Refused input is copied "
        "unchanged to ptfc.deadletter with the reason in its headers."
    )
    if svc_spec.needs_lot:
        description += (f" One instance runs per lot; this document shows {lot}, the others differ "
                        "only in the lot part of the partner topic name.")
    doc = AsyncAPI(broker, title=f"PTFC {svc.instance}", version=_version(),
                   description=description, schema_version="3.0.0")
    return doc.to_specification().to_jsonable()


def asyncapi_path(service: str) -> Path:
    return ASYNCAPI_DIR / f"{service}.json"


# --- OpenAPI -------------------------------------------------------------------------------------

def openapi(service: str, lot: str | None = DOC_LOT) -> dict[str, Any]:
    """The service's OpenAPI 3.1 document (its HTTP routes and the kit's), from its FastAPI app."""
    from ptfc.kit.health import service_app
    from ptfc.kit.service import Service
    from ptfc.kit.settings import Settings
    from ptfc.catalogue import spec

    svc_spec = spec(service)
    settings = Settings(lot=lot if svc_spec.needs_lot else None, topic_namespace="")
    app = service_app(Service(svc_spec, settings))
    app.version = _version()
    return app.openapi()


def openapi_path(service: str) -> Path:
    return OPENAPI_DIR / f"{service}.json"


# --- writing and checking ------------------------------------------------------------------------

def render(doc: dict[str, Any]) -> str:
    """Deterministic text, so a regenerated file differs only when the contract does."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[Path, str]:
    files = {schema_path(t): render(event_schema(t)) for t in sorted(DATA_MODELS)}
    files.update({asyncapi_path(s): render(asyncapi(s)) for s in services()})
    files.update({openapi_path(s): render(openapi(s)) for s in services()})
    return files


def _stale(expected: dict[Path, str]) -> list[Path]:
    """Committed files nothing generates any more (a removed event type)."""
    from ptfc.catalogue import SERVICES
    old = [p for p in SCHEMAS_DIR.glob("*.json") if p not in expected]
    # An AsyncAPI file is stale only if its service is gone from the registry, not merely absent
    # from this checkout (another engineer may be mid-way through building it).
    old += [p for d in (ASYNCAPI_DIR, OPENAPI_DIR) for p in d.glob("*.json")
            if p not in expected and p.stem not in SERVICES]
    return sorted(old)


def write_schemas(check: bool) -> list[str]:
    """Names (relative to the repo) of generated files that are missing, differ or are stale.

    With check=False they are also rewritten (or removed, when stale).
    """
    expected = expected_files()
    changed: list[str] = []
    for path, text in expected.items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(str(path.relative_to(ROOT)))
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in _stale(expected):
        changed.append(str(path.relative_to(ROOT)))
        if not check:
            path.unlink()
    return changed
