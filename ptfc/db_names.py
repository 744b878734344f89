def database_for(service: str, lot: str | None = None) -> str:
    """ptfc_<service>[_<lot>], the default database (and role) name of a service instance."""
    name = f"ptfc_{service}" + (f"_{lot}" if lot else "")
    return name.replace("-", "_").replace(".", "_")
