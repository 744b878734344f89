"""docker-compose.yml is a valid Compose file and runs every service instance the registry knows,
the same way `make run` does (`ptfc run <service>`), after the one-shot init job."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from jsonschema import Draft7Validator

from contracts.lots import LOTS
from ptfc.db_names import database_for
from ptfc.catalogue import SERVICES

ROOT = Path(__file__).resolve().parents[2]
INFRA = {"kafka", "postgres", "mailpit", "init"}


def expected_instances() -> dict[str, list[str]]:
    """compose service name -> its command, for every instance of every registered service."""
    out = {}
    for name in SERVICES:
        if name == "workshops":
            out.update({f"workshops-{lot}": ["run", "workshops", "--lot", lot] for lot in LOTS})
        else:
            out[name] = ["run", name]
    return out


def db_name(compose_name: str) -> str:
    service, _, lot = compose_name.partition("-")
    return database_for(service, lot or None)


@pytest.fixture(scope="module")
def compose() -> dict:
    # safe_load resolves the x-* anchors and `<<` merges, as Compose does.
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def app_services(compose) -> dict[str, dict]:
    return {k: v for k, v in compose["services"].items() if k not in INFRA}


def test_compose_file_matches_the_compose_spec(compose, shared_schemas):
    schema = json.loads((shared_schemas / "compose-spec.json").read_text(encoding="utf-8"))
    errs = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in Draft7Validator(schema).iter_errors(compose)]
    assert errs == []


def test_every_service_instance_runs_with_ptfc_run(app_services):
    expected = expected_instances()
    assert {k: v.get("command") for k, v in app_services.items()} == expected


def test_depends_on_targets_exist(compose):
    names = set(compose["services"])
    for name, svc in compose["services"].items():
        deps = svc.get("depends_on", {})
        assert set(deps) <= names, f"{name} depends on missing {sorted(set(deps) - names)}"


def test_services_wait_for_the_init_job(app_services, compose):
    init = compose["services"]["init"]
    assert "ptfc topics" in " ".join(init["command"]) and "ptfc databases" in " ".join(init["command"])
    assert {"DATABASE_URL", "SERVICE_DB_PASSWORD"} <= set(init["environment"])
    for name, svc in app_services.items():
        assert svc["depends_on"]["init"] == {"condition": "service_completed_successfully"}, name


def test_dockerfile_exists_and_is_built(app_services, compose):
    for name, svc in {**app_services, "init": compose["services"]["init"]}.items():
        build = svc["build"]
        assert (ROOT / build["context"] / build["dockerfile"]).is_file(), name
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["ptfc"]' in dockerfile and "USER " in dockerfile


def test_every_service_is_idempotent_and_uses_the_internal_listener(app_services):
    for name, svc in app_services.items():
        env = svc["environment"]
        assert str(env["KAFKA_ENABLE_IDEMPOTENCE"]).lower() == "true", name
        assert env["KAFKA_ACKS"] == "all", name
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092", name


def test_every_service_logs_in_as_its_own_role(app_services):
    for name, svc in app_services.items():
        url = urlsplit(svc["environment"]["DATABASE_URL"])
        assert (url.username, url.hostname, url.port) == (db_name(name), "postgres", 5432), name


def test_every_service_is_scalable_and_health_checked(app_services):
    for name, svc in app_services.items():
        assert "container_name" not in svc and "ports" not in svc, name
        assert svc["environment"]["HTTP_PORT"] == "8080", name
        assert any("/health/ready" in part for part in svc["healthcheck"]["test"]), name
