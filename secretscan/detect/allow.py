"""Inline allow comments: on the secret's line, or a `nextline` marker on the line before."""

from __future__ import annotations

import re

from secretscan.lazyre import lazy

# secretscan's own marker, and those of gitleaks and detect-secrets for teams migrating.
_SAME_LINE = lazy(rb"secretscan:allow|gitleaks:allow|pragma:\s*allowlist\s+secret", re.I)
_NEXT_LINE = lazy(rb"secretscan:allow-next-line|pragma:\s*allowlist\s+nextline\s+secret", re.I)


def line_bounds(data: bytes, offset: int) -> tuple[int, int]:
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    return start, len(data) if end < 0 else end


def is_allowed(data: bytes, start: int, end: int) -> bool:
    """Whether an allow comment covers the secret at ``data[start:end]``."""
    first, _ = line_bounds(data, start)
    _, last = line_bounds(data, max(start, end - 1))
    # The marker must sit on a line the secret occupies, outside the secret itself.
    if _SAME_LINE.search(data[first:start]) or _SAME_LINE.search(data[end:last]):
        return True
    if first == 0:
        return False
    prev_start, _ = line_bounds(data, first - 1)
    return bool(_NEXT_LINE.search(data[prev_start : first - 1]))
