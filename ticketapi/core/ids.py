"""Row ids: the range every id column holds."""

from __future__ import annotations

# The largest id a database integer holds; larger ones (in a URL, a body, a stamp) name
# nothing, and must never reach the driver, which would overflow.
MAX_ID = 2**31 - 1


def in_id_range(value: int) -> bool:
    """Whether an id column could hold `value` (ids start at 1)."""
    return 0 < value <= MAX_ID
