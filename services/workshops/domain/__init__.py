"""The workshops service's pure rules: no async, no I/O, no database or broker (enforced by
tests/unit/test_domain_purity.py). Handlers, stores and the app do the I/O around them."""
