"""deploy/compose.standins.yml, the override `make compose-check` runs docker-compose.yml with, is a
valid Compose file that swaps only the images no registry gives (broker, database, mail catcher)
and turns idempotence off for every service of the compose file (Tansu cannot do it)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from deploy.compose_check import images
from deploy.compose_check.compose import INFRA

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def override() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "compose.standins.yml").read_text(encoding="utf-8"))


def test_override_matches_the_compose_spec(override, shared_schemas):
    schema = json.loads((shared_schemas / "compose-spec.json").read_text(encoding="utf-8"))
    errs = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in Draft7Validator(schema).iter_errors(override)]
    assert errs == []


def test_override_replaces_only_the_images_that_cannot_be_pulled(override):
    replaced = {name: svc["image"] for name, svc in override["services"].items() if "image" in svc}
    assert replaced == {"kafka": images.IMAGES["broker"], "postgres": images.IMAGES["postgres"],
                        "mailpit": images.IMAGES["mail"]}
    assert all("build" not in svc for svc in override["services"].values())
    for name in ("broker", "postgres", "mail", "python"):
        assert (images.STANDINS / f"{name}.Dockerfile").is_file()


def test_override_names_every_service_of_the_compose_file_and_no_other(override, compose):
    app = {k for k in compose["services"] if k not in INFRA}
    overridden = {k for k in override["services"] if k not in INFRA}
    assert overridden == app
    for name in app:
        assert override["services"][name] == {"environment": {"KAFKA_ENABLE_IDEMPOTENCE": "false"}}, name


def test_the_broker_advertises_its_own_fixed_address(override):
    kafka = override["services"]["kafka"]
    address = kafka["networks"]["default"]["ipv4_address"]
    assert kafka["environment"]["ADVERTISED_LISTENER_URL"] == f"tcp://{address}:9092"
