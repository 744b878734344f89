"""Prometheus counters, one registry per service instance, read back by tests as `counters[name]`."""
from __future__ import annotations

from typing import Any, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, disable_created_metrics, generate_latest

HELP = {
    "events_handled_total": "Events applied by this service's handlers.",
    "duplicates_total": "Events already in the inbox (redeliveries and partners' repeats), ignored.",
    "batch_replays_total": "Batches run again one message at a time because a handler raised.",
    "dead_letters_total": "Messages refused (a dead letter published, the bytes kept here).",
    "events_parked_total": "Events parked to wait for a fact from another topic.",
    "outbox_sent_total": "Outbox rows the broker acknowledged.",
    "outbox_wakeups_total": "Outbox relay wake-ups by NOTIFY (else it polls each second).",
    "timers_fired_total": "Durable timers fired.",
}


class Counts(Mapping[str, float]):
    """`metrics.counters[name]`: a counter's value read back from the registry, 0 if never counted."""

    def __init__(self, metrics: "Metrics") -> None:
        self._m = metrics

    def __getitem__(self, name: str) -> float:
        if name not in self._m.children:
            return 0
        sample = f"ptfc_{name.removesuffix('_total')}_total"
        return self._m.registry.get_sample_value(sample, {"service": self._m.service}) or 0

    def __contains__(self, name: object) -> bool:
        return name in self._m.children

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._m.children))

    def __len__(self) -> int:
        return len(self._m.children)


class Metrics:
    """Counters as `ptfc_<name>{service="..."}`, in a registry of this service instance's own
    (in-process tests run several services; prometheus_client's global registry would clash)."""

    def __init__(self, service: str = "ptfc") -> None:
        disable_created_metrics()  # no `_created` series: nothing here reads them
        self.service, self.registry = service, CollectorRegistry()
        self.children: dict[str, Any] = {}
        self.counters = Counts(self)
        for name in HELP:  # the kit's own counters exist from the start (at 0), so rates have a base
            self._child(name)

    def inc(self, name: str, n: int = 1) -> None:
        self._child(name).inc(n)

    def _child(self, name: str) -> Any:
        child = self.children.get(name)
        if child is None:  # a service's own counters are created on first use: call sites name them
            counter = Counter(f"ptfc_{name}", HELP.get(name, name.replace("_", " ")), ["service"],
                              registry=self.registry)
            child = self.children[name] = counter.labels(service=self.service)
        return child

    def render(self) -> bytes:
        return generate_latest(self.registry)
