"""A minimal service built on the kit, to test the kit itself (not a product service)."""
