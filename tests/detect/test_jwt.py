from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest

from secretscan.detect.jwt import jwt_attributes

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def token(header: dict, claims: dict) -> str:
    def seg(d: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{seg(header)}.{seg(claims)}.c2lnbmF0dXJlLWJ5dGVz"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (
            {"iss": "https://auth.acme.io", "aud": ["api", "web"], "exp": 1767225600},
            (("jwt.alg", "HS256"), ("jwt.iss", "https://auth.acme.io"), ("jwt.aud", "api,web"),
             ("jwt.exp", "2026-01-01T00:00:00Z"), ("jwt.expired", "yes")),
        ),
        (
            {"iss": "acme", "exp": 1893456000},
            (("jwt.alg", "HS256"), ("jwt.iss", "acme"), ("jwt.exp", "2030-01-01T00:00:00Z"), ("jwt.expired", "no")),
        ),
        ({"sub": "42"}, (("jwt.alg", "HS256"), ("jwt.expired", "never expires"))),
        ({"exp": 10**20}, (("jwt.alg", "HS256"),)),  # out of range: no expiry claimed, no crash
    ],
)
def test_claims(claims: dict, expected: tuple) -> None:
    assert jwt_attributes(token({"alg": "HS256", "typ": "JWT"}, claims), NOW) == expected


@pytest.mark.parametrize("value", ["not-a-jwt", "eyJhbGciOi.eyJzdWIi.", "eyJ!!!.eyJ???.x", "ghp_abc"])
def test_non_jwts_have_no_attributes(value: str) -> None:
    assert jwt_attributes(value, NOW) == ()
