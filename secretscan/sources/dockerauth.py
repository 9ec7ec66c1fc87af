"""Registry credentials in docker ``config.json`` / ``.dockercfg`` / ``.dockerconfigjson``.

``auths.<registry>.auth`` is base64 of ``user:password``; ``password``, ``identitytoken`` and
``registrytoken`` may also appear in clear. ``credsStore``/``credHelpers`` hold no secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

SECRET_FIELDS = ("auth", "password", "identitytoken", "registrytoken")
_BASE64 = re.compile(rb"[A-Za-z0-9+/_-]+={0,2}")
_URLSAFE = bytes.maketrans(b"-_", b"+/")


@dataclass(frozen=True, slots=True)
class RegistryAuth:
    registry: str
    field: str  # which field holds it: auth, password, identitytoken, registrytoken
    user: str
    secret: str  # the password or token


def b64decode(text: str | bytes) -> bytes | None:
    """Strict base64 (standard or URL-safe alphabet, whitespace ignored), or None."""
    raw = text.encode("ascii", "ignore") if isinstance(text, str) else text
    compact = b"".join(raw.split())
    if not _BASE64.fullmatch(compact):
        return None
    standard = compact.translate(_URLSAFE).rstrip(b"=")
    try:
        return base64.b64decode(standard + b"=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def split_auth(encoded: str) -> tuple[str, str] | None:
    """``auth`` field -> (user, password)."""
    decoded = b64decode(encoded)
    if decoded is None:
        return None
    user, colon, password = decoded.decode("utf-8", "replace").partition(":")
    return (user, password) if colon and password else None


def registry_entries(document: Any) -> dict[str, Any]:
    """The registry map of a config: ``auths`` (config.json) or the top level (.dockercfg)."""
    if not isinstance(document, dict):
        return {}
    auths = document.get("auths")
    if isinstance(auths, dict):
        return auths
    if all(isinstance(v, dict) and ("auth" in v or "password" in v) for v in document.values()) and document:
        return document
    return {}


def registry_auths(text: bytes) -> list[RegistryAuth] | None:
    """Every credential of a docker config given as JSON bytes; None when it is not one."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    entries = registry_entries(document)
    if not entries:
        return None
    found = []
    for registry, entry in entries.items():
        if isinstance(entry, dict):
            found.extend(entry_auths(str(registry), entry))
    return found


def entry_auths(registry: str, entry: dict[str, Any]) -> list[RegistryAuth]:
    out = []
    user = str(entry.get("username") or "")
    for field in SECRET_FIELDS:
        value = entry.get(field)
        if not isinstance(value, str) or not value:
            continue
        if field == "auth":
            pair = split_auth(value)
            if pair is not None:
                out.append(RegistryAuth(registry, field, pair[0], pair[1]))
        else:
            out.append(RegistryAuth(registry, field, user, value))
    return out
