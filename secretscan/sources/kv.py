"""Turning one ``name = value`` of any format into Values, the same way for every walker.

``assignment`` takes the value as written (a character span of a ``Text``) and its logical
form, and decides what the structure says about it:

* an encrypted value (SOPS, Jasypt ``ENC(...)``, ``{cipher}...``) or a reference
  (``${VAR}``, a secret-manager URI) is *safe*: no finding, and matches inside are dropped;
* ``${VAR:default}`` / ``${VAR:-default}``: the default is the value judged, at its own span;
* a URI or connection string with a password: the password is judged, at its own span;
* otherwise the value is a secret by name when the name marks one (``is_secret_name``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from secretscan.model import Storage
from secretscan.sources.names import (
    credential_in_value,
    is_encrypted_value,
    is_reference_value,
    is_secret_name,
    reference_default,
)
from secretscan.sources.structured import Value
from secretscan.sources.textpos import Text


@dataclass(frozen=True, slots=True)
class Place:
    """Where values sit: their storage, how to name them, and what to tell the reader."""

    storage: Storage
    locator: str
    key_path: str = ""
    note: str | None = None
    rule: str = ""


def assignment(
    text: Text,
    start: int,
    end: int,
    key: str,
    place: Place,
    *,
    logical: str | None = None,
    force: bool = False,
    named: bool | None = None,
) -> list[Value]:
    """Values for the value written at characters ``[start, end)`` of ``text``.

    ``logical`` is the parsed value when it differs from what is written (YAML escapes, block
    scalars, shell quoting); ``force`` makes any non-empty value a secret (a Secret's data);
    ``named`` overrides the name test (None: ``is_secret_name(key)``).
    """
    raw = text.text[start:end]
    value = raw if logical is None else logical
    stripped = value.strip()
    if not stripped:
        return []
    secret = force or (is_secret_name(key) if named is None else named)
    special = _SPECIAL.search(stripped) is not None
    if not special:  # the common case, kept cheap: most values are plain words and numbers
        return [_value(text, start, end, key, place, value, raw, secret_by_name=secret)]
    if is_encrypted_value(stripped):
        return [_value(text, start, end, key, place, value, raw, safe=True, note="encrypted value")]
    ref = reference_default(stripped)
    if ref is not None:
        name, span = ref
        base = _value(text, start, end, key, place, value, raw, safe=span is None)
        inner = None if span is None else _inner(text, start, raw, value, stripped, span)
        if inner is None:
            return [base]
        note = _join(place.note, f"default of ${{{name}}}")
        return [base, replace(inner_value(base, text, *inner), secret_by_name=secret, note=note)]
    if is_reference_value(stripped):
        return [_value(text, start, end, key, place, value, raw, safe=True)]
    base = _value(text, start, end, key, place, value, raw, secret_by_name=secret)
    cred = credential_in_value(value)
    if cred is not None:
        inner = _inner(text, start, raw, value, value, cred)
        if inner is not None:
            note = _join(place.note, "password in a connection URI or string")
            return [
                replace(base, secret_by_name=False),
                replace(inner_value(base, text, *inner), secret_by_name=True, note=note),
            ]
    return [base]


# Characters without which a value can be neither encrypted, a reference, nor hold a URI or
# connection-string password.
_SPECIAL = re.compile(r"[${}:=/@(\[]")


def _value(
    text: Text,
    start: int,
    end: int,
    key: str,
    place: Place,
    value: str,
    raw: str,
    *,
    secret_by_name: bool = False,
    safe: bool = False,
    note: str | None = None,
) -> Value:
    return Value(
        start=text.byte(start),
        end=text.byte(end),
        locator=place.locator,
        storage=place.storage,
        key=key,
        decoded=None if value == raw else value.encode("utf-8", "surrogateescape"),
        secret_by_name=secret_by_name,
        safe=safe,
        note=_join(place.note, note) if note else place.note,
        key_path=place.key_path,
        rule=place.rule,
    )


def inner_value(base: Value, text: Text, start: int, end: int) -> Value:
    return replace(base, start=text.byte(start), end=text.byte(end), decoded=None)


def _inner(text: Text, start: int, raw: str, value: str, within: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """Character span in ``text`` of ``within[span]``, a part of the value; None when the
    written form does not contain it verbatim (escapes)."""
    piece = within[span[0] : span[1]]
    if not piece:
        return None
    offset = value.find(within) if within is not value else 0
    if value == raw and offset >= 0:
        begin = start + offset + span[0]
        return begin, begin + len(piece)
    found = raw.find(piece)
    if found < 0:
        return None
    return start + found, start + found + len(piece)


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second
