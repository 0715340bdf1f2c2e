"""Articles: import, normalisation, storage and full-text search. No Textual here."""

import sys as _sys


class _NoNumpyForSqliteUtils:
    """sqlite-utils imports numpy while it loads, when numpy is installed, only to map numpy
    values to column types (which Newsmark never stores). numpy is installed for the meaning
    model, so every start would pay ~50 ms for nothing: refuse numpy to sqlite-utils while
    it loads, and only then (numpy stays importable, for the model). A plain class: the
    import system needs only ``find_spec``, and ``importlib.abc`` costs ~10 ms to load."""

    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        loading = _sys.modules.get("sqlite_utils.db")
        if name == "numpy" and loading is not None and not hasattr(loading, "Database"):
            raise ImportError("numpy is not for sqlite-utils here")
        return None


if not any(isinstance(f, _NoNumpyForSqliteUtils) for f in _sys.meta_path):
    _sys.meta_path.insert(0, _NoNumpyForSqliteUtils())
