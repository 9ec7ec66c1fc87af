"""Turn a detect-secrets baseline (``.secrets.baseline``) into secretscan baseline entries.

detect-secrets stores, per file and line, the SHA-1 of each value it saw (``hashed_secret``)
and, once audited, whether it is a real secret (``is_secret``). Entries audited
``is_secret: false`` (and, on request, unaudited ones) become entries with
``origin: detect-secrets``; they match a finding whose secret has that SHA-1, which the engine
computes only while such entries are loaded. Real secrets (``is_secret: true``) are not carried
over: the gate must keep failing on them.

The file is read and upgraded from any past version by detect-secrets itself
(``core.baseline.upgrade``, ``SecretsCollection.load_from_baseline``). Only its version and
results are handed over: ``core.baseline.load`` would also configure detect-secrets' global
settings from the file, and an old file's ``custom_plugin_paths`` are imported as Python code
during the upgrade, which would run code named by the input.

Token formats (the ``TOKEN_TYPES``) are high-entropy values, so their SHA-1 is kept as it is;
for every other type (keywords, passwords in URLs, high-entropy strings of any kind), the SHA-1
is bound to the baseline key, as secretscan's own password-like entries are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secretscan.detect.digests import keyed_sha1, sha1_hex
from secretscan.inventory.baseline import DETECT_SECRETS, BaselineError, Entry

TOKEN_TYPES = frozenset(
    {
        "AWS Access Key",
        "Azure Storage Account access key",
        "Discord Bot Token",
        "GitHub Token",
        "GitLab Token",
        "JSON Web Token",
        "Mailchimp Access Key",
        "NPM tokens",
        "OpenAI Token",
        "PyPI Token",
        "SendGrid API Key",
        "Slack Token",
        "Square OAuth Secret",
        "Stripe Access Key",
        "Telegram Bot Token",
        "Twilio API Key",
    }
)

# Some detect-secrets plugins (GitHub and GitLab tokens in 1.x, private keys) hash a constant
# part of what they match (the token's prefix, the PEM header), not the secret: such an entry
# stands for every secret of its kind and cannot identify one, so it is not carried over.
_CONSTANTS = (
    "ghp", "gho", "ghu", "ghs", "ghr", "glpat", "gldt", "glft", "glsoat", "glrt",
    "BEGIN DSA PRIVATE KEY", "BEGIN EC PRIVATE KEY", "BEGIN OPENSSH PRIVATE KEY",
    "BEGIN PGP PRIVATE KEY BLOCK", "BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY",
    "BEGIN SSH2 ENCRYPTED PRIVATE KEY", "PuTTY-User-Key-File-2",
)  # fmt: skip
_CONSTANT_HASHES = frozenset(sha1_hex(c.encode()) for c in _CONSTANTS)
_SHA1 = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import carried over, and what it left behind (counted by reason)."""

    entries: tuple[Entry, ...]
    real: int  # audited is_secret: true
    unaudited: int  # left out (no --include-unaudited)
    constant: int  # hashes of a constant, not of a secret
    needs_key: bool  # some entries are bound to the key


def read_detect_secrets(path: Path) -> list[tuple[str, str, bool | None]]:
    """``(type, hashed_secret, is_secret)`` of every result in a detect-secrets baseline."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"detect-secrets baseline not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not a detect-secrets baseline (invalid JSON: {exc.msg})") from None
    if not isinstance(doc, dict) or "results" not in doc or "version" not in doc:
        raise BaselineError(f"{path}: not a detect-secrets baseline (no \"version\" and \"results\")")
    return _results(doc, path)


def _results(doc: Mapping[str, Any], path: Path) -> list[tuple[str, str, bool | None]]:
    from detect_secrets.core.baseline import upgrade
    from detect_secrets.core.secrets_collection import SecretsCollection

    safe = {"version": doc["version"], "plugins_used": [], "results": doc["results"]}
    try:
        collection = SecretsCollection.load_from_baseline(upgrade(safe))
        return [(s.type, s.secret_hash.lower(), s.is_secret) for _, s in collection]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BaselineError(f"{path}: unreadable detect-secrets baseline ({type(exc).__name__}: {exc})") from None


def import_entries(results: list[tuple[str, str, bool | None]], key: bytes | None, include_unaudited: bool) -> Imported:
    """Entries for the results audited as false positives (and unaudited ones if asked)."""
    if any(not _SHA1.fullmatch(h) for _, h, _ in results):
        raise BaselineError("not a detect-secrets baseline: a hashed_secret is not a SHA-1")
    taken = [(t, h, s) for t, h, s in results if s is False or (s is None and include_unaudited)]
    usable = [(t, h, s) for t, h, s in taken if h not in _CONSTANT_HASHES]
    needs_key = any(t not in TOKEN_TYPES for t, _, _ in usable)
    if needs_key and key is None:
        raise BaselineError("importing keyword and high-entropy entries needs a baseline key")
    entries = tuple(_entry(t, h, s, key) for t, h, s in usable)
    real = sum(1 for _, _, s in results if s is True)
    unaudited = sum(1 for _, _, s in results if s is None and not include_unaudited)
    return Imported(entries, real, unaudited, len(taken) - len(usable), needs_key)


def _entry(kind: str, sha1: str, is_secret: bool | None, key: bytes | None) -> Entry:
    reason = "detect-secrets audit: not a secret" if is_secret is False else "detect-secrets: unaudited"
    rule_id = f"detect-secrets:{kind}"
    if kind in TOKEN_TYPES:
        return Entry(sha1, rule_id, False, reason, origin=DETECT_SECRETS)
    assert key is not None
    return Entry(keyed_sha1(key, sha1), rule_id, True, reason, origin=DETECT_SECRETS)
