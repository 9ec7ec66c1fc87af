"""Filters for what looks like a secret but is not.

Each filter is a small pure predicate over a candidate: True means "not a secret".
They are listed explicitly in FILTERS (no discovery, no introspection); a rule can opt
out of a filter by name with ``skip_filters`` (a UUID-shaped API key skips ``uuid``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from secretscan.model import Confidence, Rule


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a filter sees: the value, its rule, its line and its file."""

    secret: str
    rule: Rule
    line: str
    path: str


Filter = Callable[[Candidate], bool]

_PLACEHOLDER_WORDS = (
    "changeme",
    "change_me",
    "change-me",
    "replaceme",
    "replace_me",
    "your_",
    "your-",
    "yourpassword",
    "yourtoken",
    "yoursecret",
    "yourkey",
    "insert_",
    "insert-",
    "put_your",
    "placeholder",
    "dummy",
    "redacted",
    "notreal",
    "not_a_real",
    "not-a-real",
    "fake_",
    "fake-",
    "sample_",
    "todo",
    "fixme",
    "foobar",
    "<secret>",
    "secret_here",
    "token_here",
    "key_here",
    "password_here",
)
_PLACEHOLDER_EXACT = {
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "empty",
    "test",
    "testing",
    "example",
    "admin",
    "default",
    "string",
    "value",
    "pass",
    "pwd",
    "1234",
    "123456",
    "12345678",
    "password123",
    "secret123",
}
_TEMPLATE = re.compile(
    r"""^(?:
        \$\{[^}]*\}            # ${VAR} / ${VAR:-x}
      | \$\([^)]*\)            # $(cmd) / $(VAR)
      | \$[A-Za-z_][A-Za-z0-9_]*   # $VAR
      | \{\{.*\}\}             # {{ .Values.x }} / jinja / mustache
      | \{%.*%\}               # jinja blocks
      | %\([^)]*\)[sd]         # %(pw)s
      | %[A-Z_]+%              # %WINDOWS_VAR%
      | <[^<>]{1,60}>          # <your-token>
      | \[[A-Z_ -]{3,60}\]     # [YOUR TOKEN]
      | @[A-Za-z_]+@           # @MAVEN_FILTER@
      | \#\{[^}]*\}            # #{ruby} / Spring SpEL
      | __[A-Z0-9_]+__         # __TOKEN__
      | \{[A-Za-z_][A-Za-z0-9_.]*\}  # {password} format fields
      | ENV\[.*\]              # ENV['X'] in Ruby
      | process\.env\..*       # process.env.X
      | os\.environ.*          # os.environ['X']
      | os\.getenv.*
    )$""",
    re.X,
)
_MASK = re.compile(r"^([*xX•#.·_-])\1*$|^[*xX•#]{4,}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HEX_HASH = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{128})$|^(?:[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64})$")
_INTEGRITY = re.compile(r"\b(?:sha(?:1|256|384|512))-[A-Za-z0-9+/=]{20,}")
_LOCKFILES = {
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "pipfile.lock",
    "pdm.lock",
    "uv.lock",
    "go.sum",
    "cargo.lock",
    "composer.lock",
    "gemfile.lock",
    "podfile.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "flake.lock",
    "mix.lock",
    "pubspec.lock",
}
# Example credentials published in providers' own documentation.
_DOCUMENTED_EXAMPLES = {
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    "ASIAIOSFODNN7EXAMPLE",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "xoxb-not-a-real-token-this-will-not-work",
    "ghp_1234567890abcdefghijklmnopqrstuvwxyz",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
}


def placeholder(c: Candidate) -> bool:
    """Placeholder words and trivial values: changeme, your_token, xxxx, null..."""
    low = c.secret.lower()
    if low in _PLACEHOLDER_EXACT or _MASK.match(c.secret):
        return True
    return any(word in low for word in _PLACEHOLDER_WORDS) or "xxxx" in low


def template(c: Candidate) -> bool:
    """References to a value held elsewhere: ${VAR}, {{ .Values.x }}, %(pw)s, <token>."""
    return bool(_TEMPLATE.match(c.secret.strip("'\"")))


def documented_example(c: Candidate) -> bool:
    """Providers' published example keys (AWS's ...EXAMPLE keys and the like)."""
    return c.secret in _DOCUMENTED_EXAMPLES or c.secret.endswith(("EXAMPLE", "EXAMPLEKEY"))


def repeated_or_sequential(c: Candidate) -> bool:
    """aaaaaaaa, 12345678, abcdefgh, 0123456789abcdef: no real secret looks like these."""
    s = c.secret
    core = _strip_prefix(s)
    if len(core) < 4:
        return False
    if len(set(core)) <= 2:
        return True
    steps = {ord(b) - ord(a) for a, b in zip(core, core[1:])}
    if steps <= {1} or steps <= {-1}:
        return True
    return _is_period(core)


def uuid(c: Candidate) -> bool:
    """A UUID, where the rule does not expect one (such rules skip this filter)."""
    return bool(_UUID.match(c.secret))


def hex_hash(c: Candidate) -> bool:
    """An MD5/SHA-1/SHA-256/SHA-512 digest, where the rule does not expect hex."""
    return bool(_HEX_HASH.match(c.secret))


def lockfile_integrity(c: Candidate) -> bool:
    """Integrity hashes (sha512-...) and anything a generic rule finds in a lockfile."""
    if any(c.secret in m.group(0) for m in _INTEGRITY.finditer(c.line)):
        return True
    name = PurePosixPath(c.path).name.lower()
    return name in _LOCKFILES and c.rule.confidence < Confidence.HIGH


def _strip_prefix(secret: str) -> str:
    """Drop a provider prefix such as ``ghp_`` or ``sk-`` before judging variety."""
    for sep in ("_", "-"):
        head, found, tail = secret.partition(sep)
        if found and len(head) <= 6 and head.isalpha() and len(tail) >= 8:
            return tail
    return secret


def _is_period(s: str) -> bool:
    """A short unit repeated: abcabcabc, 1a2b1a2b1a2b."""
    for size in range(1, min(5, len(s) // 3) + 1):
        unit = s[:size]
        if (unit * (len(s) // size + 1))[: len(s)] == s:
            return True
    return False


FILTERS: dict[str, Filter] = {
    "placeholder": placeholder,
    "template": template,
    "documented_example": documented_example,
    "repeated_or_sequential": repeated_or_sequential,
    "uuid": uuid,
    "hex_hash": hex_hash,
    "lockfile_integrity": lockfile_integrity,
}


def rejecting_filter(c: Candidate) -> str | None:
    """The name of the first filter that rejects the candidate, or None."""
    for name, predicate in FILTERS.items():
        if name not in c.rule.skip_filters and predicate(c):
            return name
    return None
