"""Digests of a secret that a baseline matches against, computed where the plaintext exists.

- ``keyed_hash``: HMAC-SHA256 over (rule id, secret) with a key kept outside the baseline. A
  baseline stores it instead of the plain fingerprint for password-like secrets, so that the
  file cannot be used to test guesses of weak passwords offline.
- ``sha1_hex``: the SHA-1 of the secret, which is what a detect-secrets baseline stores; it is
  computed only to match entries imported from one, and is never rendered in any report.
- ``keyed_sha1``: an imported SHA-1 wrapped in the baseline key (for password-like types).
- ``key_id``: a public, non-reversible label of a key, so that a baseline can say which key
  made its keyed entries and a scan can tell a wrong key from a missing one.
"""

from __future__ import annotations

import hashlib
import hmac

_SHA1_DOMAIN = b"secretscan-baseline/detect-secrets-sha1\x00"
_KEY_ID_DOMAIN = b"secretscan-baseline/key-id"


def keyed_hash(key: bytes, rule_id: str, secret: bytes) -> str:
    """HMAC-SHA256(key, rule id NUL secret), hex."""
    return hmac.new(key, rule_id.encode("utf-8") + b"\x00" + secret, hashlib.sha256).hexdigest()


def sha1_hex(secret: bytes) -> str:
    """SHA-1 of the secret, hex: a detect-secrets ``hashed_secret``."""
    return hashlib.sha1(secret).hexdigest()  # noqa: S324 - detect-secrets' identity, matched only


def keyed_sha1(key: bytes, sha1: str) -> str:
    """A detect-secrets ``hashed_secret`` bound to the baseline key, hex."""
    return hmac.new(key, _SHA1_DOMAIN + sha1.lower().encode("ascii"), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short label of ``key`` that reveals nothing about it (an HMAC of a constant)."""
    return hmac.new(key, _KEY_ID_DOMAIN, hashlib.sha256).hexdigest()[:16]
