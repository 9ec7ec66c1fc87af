from __future__ import annotations

import pytest

from secretscan.detect.allow import is_allowed

TOKEN = "ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        (f"t = '{TOKEN}'  # secretscan:allow", True),
        (f"t = '{TOKEN}'  # gitleaks:allow", True),
        (f"t = '{TOKEN}'  # pragma: allowlist secret", True),
        (f"t = '{TOKEN}'  // SECRETSCAN:ALLOW", True),
        (f"# secretscan:allow-next-line\nt = '{TOKEN}'", True),
        (f"# pragma: allowlist nextline secret\nt = '{TOKEN}'", True),
        (f"t = '{TOKEN}'", False),
        (f"# secretscan:allow\nt = '{TOKEN}'", False),  # same-line marker on another line
        (f"t = '{TOKEN}'\n# secretscan:allow", False),
        (f"# secretscan:allow-next-line\n\nt = '{TOKEN}'", False),  # not the next line
    ],
)
def test_allow_comments(text: str, allowed: bool) -> None:
    data = text.encode()
    start = data.index(TOKEN.encode())
    assert is_allowed(data, start, start + len(TOKEN)) is allowed


def test_marker_inside_the_secret_does_not_allow_it() -> None:
    data = b"t = 'abc-secretscan:allow-xyz'"
    start = data.index(b"abc")
    assert is_allowed(data, start, data.index(b"xyz") + 3) is False
