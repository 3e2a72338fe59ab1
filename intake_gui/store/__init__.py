"""Local state: where files live, station settings, credentials, the journal and the catalog cache.

Import from the submodules (`intake_gui.store.journal` and so on); this package deliberately re-exports nothing,
so importing one piece never drags in keyring or SQLite for a caller that only needs paths.
"""
