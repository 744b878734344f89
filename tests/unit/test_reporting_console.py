"""The console's pure parts: the default period, months of a period, lag arithmetic, dead-letter rows."""
from __future__ import annotations

from collections import namedtuple
from datetime import date

from aiokafka import TopicPartition

from services.reporting.console_view import default_period
from services.reporting.deadletters import seen
from services.reporting.ops import lag_of
from services.reporting.domain.trends import months

Record = namedtuple("Record", "partition offset timestamp headers value")


def test_the_default_period_is_the_last_twelve_months_to_today():
    assert default_period(date(2026, 11, 29)) == ("2025-12-01", "2026-11-29")
    assert default_period(date(2026, 12, 31)) == ("2026-01-01", "2026-12-31")
    assert len(months(date(2025, 12, 1), date(2026, 11, 29))) == 12


def test_months_cross_a_year_end():
    assert months(date(2025, 11, 30), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_lag_counts_every_partition_of_a_topic_the_group_reads_from_its_beginning_if_uncommitted():
    a0, a1, b0 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("b", 0)
    end, begin = {a0: 10, a1: 7, b0: 5}, {a0: 0, a1: 2, b0: 0}
    lag = lag_of("x", "g", {a0: 4, a1: -1, b0: -1}, begin, end)
    assert (lag.lag, lag.partitions) == (6 + 5, 2)  # topic b is not read by this group
    assert lag_of("x", "g", {a0: -1, a1: -1, b0: -1}, begin, end).lag is None


def test_a_dead_letter_keeps_its_headers_and_time_never_its_bytes():
    headers = [("ptfc-reason", b"data.email: bad"), ("ptfc-origin-topic", b"ptfc.partner.referrals"),
               ("ptfc-service", b"referral"), ("ptfc-origin-offset", b"3")]
    row = seen(Record(1, 42, 1_790_000_000_000, headers, b'{"name": "Jane"}'))
    assert row[:2] == (1, 42) and row[3:] == ("data.email: bad", "ptfc.partner.referrals", "referral")
    assert "Jane" not in repr(row)
    assert seen(Record(0, 1, 0, None, b""))[3:] == ("(none)", "(none)", "(none)")


def test_a_dead_letter_with_an_impossible_timestamp_is_still_kept():
    """Any producer can write ptfc.deadletter: its timestamp must not make the record unreadable."""
    from types import SimpleNamespace
    from services.reporting.deadletters import seen
    record = SimpleNamespace(partition=0, offset=3, timestamp=10**20,
                             headers=[("ptfc-reason", b"bad\x00reason"), ("ptfc-service", b"learning")])
    row = seen(record)
    assert row[3] == "bad\ufffdreason" and row[4] == "(none)" and row[5] == "learning"
