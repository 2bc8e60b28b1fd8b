"""The append-only, hash-chained audit log. `audit.record(...)` is the only way to write to it."""

from typing import Any


def record(**kwargs: Any) -> Any:
    """Appends one event; see audit.chain.append for the arguments.

    Imported lazily so that `from audit import record` works anywhere, including modules that
    load before the app registry is ready.
    """
    from audit.chain import append

    return append(**kwargs)
