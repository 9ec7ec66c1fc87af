"""Decode a JWT's header and claims (never verified, never sent anywhere)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime, timezone
from typing import Any

_JWT = re.compile(r"^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


def _part(segment: str) -> dict[str, Any] | None:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return value if isinstance(value, dict) else None


def jwt_attributes(token: str, now: datetime | None = None) -> tuple[tuple[str, str], ...]:
    """Issuer, audience, algorithm, expiry and whether it has expired; () if not a JWT."""
    if not _JWT.match(token):
        return ()
    header_seg, claims_seg, _ = token.split(".")
    header, claims = _part(header_seg), _part(claims_seg)
    if header is None or claims is None:
        return ()
    out: list[tuple[str, str]] = [("jwt.alg", str(header.get("alg", "")))]
    for claim in ("iss", "aud"):
        if claim in claims:
            value = claims[claim]
            out.append((f"jwt.{claim}", ",".join(map(str, value)) if isinstance(value, list) else str(value)))
    exp = claims.get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        try:
            when = datetime.fromtimestamp(exp, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return tuple(out)
        current = now or datetime.now(tz=timezone.utc)
        out.append(("jwt.exp", when.isoformat().replace("+00:00", "Z")))
        out.append(("jwt.expired", "yes" if when <= current else "no"))
    else:
        out.append(("jwt.expired", "never expires"))
    return tuple(out)
