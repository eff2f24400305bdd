"""The limits of a request to a server: its deadline and the size of its answer.

Apart from :mod:`loader.store.transport` so that the commands can check their options
without loading an HTTP library: ``tradekg query --help`` should not pay for ``requests``.
"""

from __future__ import annotations

import math

#: Answers larger than this are refused (bytes): ``--max-answer`` raises it.
DEFAULT_MAX_ANSWER = 256 * 1024 * 1024


def describe_size(size: int) -> str:
    """``256 MB``, ``1.5 kB``: a byte count as people read it."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} bytes"


def check_timeout(seconds: float) -> float:
    """``seconds`` if it is a usable deadline: finite and above zero.

    Raises:
        ValueError: zero, negative, infinite or not a number.
    """
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{seconds!r} is not a number of seconds above 0")
    return seconds
