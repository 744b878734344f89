"""The wire contract: CloudEvents envelope, event data models, topic names, lots.

Data only. Domain types never go on the wire; a breaking change is a new `.v2` type.
"""
from contracts.envelope import CloudEvent, SPECVERSION
from contracts.registry import DATA_MODELS, data_model_for

__all__ = ["CloudEvent", "SPECVERSION", "DATA_MODELS", "data_model_for"]
