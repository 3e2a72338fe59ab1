"""IndicaOnline Open API v2.3 connector: offices, catalog, stock and FIFO packages; no receive (none documented)."""
