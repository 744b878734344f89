def database_for(service: str, lot: str | None = None, namespace: str = "") -> str:
    """[<namespace>_]ptfc_<service>[_<lot>]: the default database (and role) of a service instance.

    A namespace is a whole environment (its own topics, groups and databases), e.g. one per test.
    """
    name = f"ptfc_{service}" + (f"_{lot}" if lot else "")
    if namespace:
        name = f"{namespace}_{name}"
    return name.replace("-", "_").replace(".", "_")
