"""Programme numbers apart from plumbing: the kit's Settings holds none, each service reads its own
typed settings from the same environment variables, and a bad number stops a service being built."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace as Record

import pytest
from pydantic import ValidationError

from ptfc.catalogue import SERVICES, spec
from ptfc.kit.service import Service
from ptfc.kit.settings import Settings
from services.learning import certificates
from services.programme import ParentHub, Programme
from tests.support.services import split

SPECS = [spec(name) for name in SERVICES]
T0 = datetime(2026, 11, 20, 17, 30, tzinfo=timezone.utc)


def plumbing(s: Settings | None = None) -> Settings:
    return s or Settings(lot="lot-north")


def test_the_kits_settings_hold_no_programme_number_and_no_services_own_setting():
    kit = set(Settings.model_fields)
    assert not kit & set(Programme.model_fields)
    for s in SPECS:
        if s.settings is not None:  # so each override and each variable has exactly one owner
            assert not kit & set(s.settings.model_fields), s.name
    assert {"smtp_port", "parent_hub_url", "certificate_api_token", "plan_link_ttl_days"}.isdisjoint(kit)


def test_every_service_that_applies_a_programme_number_reads_the_one_programme():
    applying = {s.name for s in SPECS if s.settings is not None and issubclass(s.settings, Programme)}
    assert applying == {"referral", "learning", "workshops"}
    assert {s.name for s in SPECS if s.settings and issubclass(s.settings, ParentHub)} == {"learning", "workshops"}


async def test_a_number_set_in_the_environment_reaches_the_rule_that_applies_it(monkeypatch):
    monkeypatch.setenv("CERTIFICATE_DELAY_HOURS", "3")
    learning = Service(spec("learning"), plumbing())
    assert learning.config.certificate_delay_hours == 3
    scheduled = []

    async def schedule(conn, kind, key, subject, due, payload):
        scheduled.append(due)
    monkeypatch.setattr(certificates.timers, "schedule", schedule)
    progress = Record(elearning_completed_at=T0 - timedelta(days=3), attended_on=T0.date(), referral_id="r1",
                      workshop_ended_at=T0, attendance_recorded_at=T0)
    await certificates.schedule_if_due(None, Record(case_number="C1", person_id="p1"), progress, learning.config)
    assert scheduled == [T0 + timedelta(hours=3)]
    # The same variable, read by the one model every service shares: referral and workshops agree.
    monkeypatch.setenv("ELEARNING_TARGET_DAYS", "10")
    configs = [Service(spec(n), plumbing()).config for n in ("referral", "learning", "workshops")]
    assert {c.elearning_target_days for c in configs} == {10}
    assert configs[0].targets.elearning_days == 10


def test_reminder_days_are_parsed_once_into_sorted_distinct_days(monkeypatch):
    monkeypatch.setenv("REMINDER_DAYS", "12, 7,7")
    assert Programme().reminder_days == (7, 12)
    assert Programme(reminder_days="").reminder_days == ()


@pytest.mark.parametrize("variable, value", [
    ("ELEARNING_TARGET_DAYS", "0"), ("REMINDER_DAYS", "7,x"), ("REMINDER_DAYS", "0,7"),
    ("CERTIFICATE_DELAY_HOURS", "-1"), ("CPPP_JOINT_SESSIONS_REQUIRED", "5"), ("PERSONAL_DATA_RETENTION_MONTHS", "-2"),
    ("CPPP_WINDOW_WEEKS", "600000"), ("ELEARNING_TARGET_DAYS", "100000"),  # past the calendar: typos
])
def test_a_bad_number_stops_the_service_being_built(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Service(spec("referral" if variable.startswith(("CPPP", "PERSONAL")) else "learning"), plumbing())


def test_the_settings_are_frozen_and_the_area_table_is_referrals_once_started():
    config = Service(spec("referral"), plumbing()).config
    with pytest.raises(ValidationError):
        config.completion_deadline_days = 1
    with pytest.raises(RuntimeError):
        config.areas  # noqa: B018 (loaded by the service's start, from LOT_TABLE_FILE)
    assert config.with_areas({"A1": "lot-north"}).areas == {"A1": "lot-north"}


def test_a_tests_overrides_go_to_the_model_that_owns_each():
    notifications, learning = spec("notifications"), spec("learning")
    assert split(notifications, {"smtp_port": 2525, "lot": "x"}) == ({"lot": "x"}, {"smtp_port": 2525})
    assert split(learning, {"certificate_delay_hours": 1}) == ({}, {"certificate_delay_hours": 1})
    with pytest.raises(TypeError, match="smtp_port"):
        split(learning, {"smtp_port": 2525})  # learning sends no email: a mistake, not a no-op
    with pytest.raises(TypeError):
        split(spec("reporting"), {"certificate_delay_hours": 1})


def test_only_ptfc_parents_take_the_e_learning_and_a_workshop():
    from services.programme import takes_the_course
    assert takes_the_course("ptfc") and not takes_the_course("cppp")
