"""`ptfc report`'s output: a table for people, CSV (read back with the csv module), and errors."""
from __future__ import annotations

import csv
import io
from datetime import date

from contracts.lots import DEFAULT_AREA_TO_LOT
from ptfc.cli import main
from services.reporting import cli
from services.reporting.domain import report
from services.reporting.domain.measures import Row

ROWS = [Row(referral_id=f"R{i}", programme="ptfc", route="fca_recommendation" if i < 2 else "court_order",
            lot="lot-east" if i % 2 else "lot-north", cafcass_area="A10" if i % 2 else "A1",
            referred_on=date(2026, 4, 1), ordered_on=date(2026, 3, 29)) for i in range(5)]


def doc() -> dict:
    f = report.filters("2026-04-01", "2026-04-30", areas=DEFAULT_AREA_TO_LOT)
    return report.kpi(f, ROWS, [])


def test_csv_has_one_row_per_figure_for_the_whole_and_each_area():
    rows = list(csv.DictReader(io.StringIO(cli.render(doc(), "csv"))))
    got = {(r["scope"], r["figure"]): r["value"] for r in rows}
    assert got[("all", "referrals")] == "5"
    assert got[("all", "fca_recommended.percent")] == "40.0"
    assert got[("A10", "fca_recommended.count")] == "1" and got[("A1", "referrals")] == "3"
    assert got[("all", "elearning_completed.within_14_days.percent")] == ""  # null
    assert {r["lot"] for r in rows if r["scope"] == "A10"} == {"lot-east"}


def test_table_shows_percents_nulls_and_a_column_per_area():
    text = cli.render(doc(), "table")
    assert "programme ptfc" in text.splitlines()[0]
    header = next(line for line in text.splitlines() if line.startswith("figure"))
    assert header.split() == ["figure", "all", "A1", "(lot-north)", "A10", "(lot-east)"]
    fca = next(line for line in text.splitlines() if line.startswith("fca_recommended.percent"))
    assert fca.split()[1:] == ["40.0%", "33.3%", "50.0%"]
    within = next(line for line in text.splitlines() if line.startswith("elearning_completed.within_14_days.percent"))
    assert within.split()[1:] == ["-", "-", "-"]


def test_a_bad_request_is_a_plain_error_before_any_database_is_read(capsys):
    assert main(["report", "--from", "2026-05-01", "--to", "2026-04-01"]) == 2
    assert capsys.readouterr().err.strip() == "error: from must not be after to"


def test_the_topics_the_report_replays_keep_their_history():
    from ptfc.kit.settings import Settings
    from ptfc.kit.topic_admin import topic_configs
    s = Settings(topic_namespace="ns1")
    for topic in ("ptfc.referral.events", "ptfc.learning.events", "ptfc.workshops.events", "ptfc.plans.events"):
        assert topic_configs(s, f"ns1.{topic}")["retention.ms"] == "-1"
    # Contact details and partner input (names, free text) are not kept forever: the report needs neither.
    for topic in ("ptfc.notifications.requests", "ptfc.partner.learning", "ptfc.partner.referrals"):
        assert "retention.ms" not in topic_configs(s, f"ns1.{topic}")
