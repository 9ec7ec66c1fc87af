"""``.env`` files: ``KEY=value`` lines (``export`` prefix, quotes, multi-line quoted values,
inline comments), as docker, compose, python-dotenv and Kustomize env files write them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from secretscan.model import Storage
from secretscan.sources.kv import Place, assignment
from secretscan.sources.parser_paths import is_dotenv_path
from secretscan.sources.structured import Parsed, Value
from secretscan.sources.textpos import Text

MAX_PARSE_BYTES = 4 << 20
_LINE = re.compile(r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][\w.\-]*)[ \t]*(?:=|:(?=[ \t]))[ \t]*", re.M)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    start: int  # characters of the value as written (inside quotes)
    end: int
    logical: str


class DotenvParser:
    name = "dotenv"

    def claims(self, path: str) -> bool:
        return is_dotenv_path(path)

    def parse(self, data: bytes, path: str) -> Parsed:
        if len(data) > MAX_PARSE_BYTES:
            return Parsed(notes=("env file too large to parse: scanned as plain text",), default_storage=Storage.DOTENV)
        text = Text(data)
        return Parsed(values=tuple(dotenv_values(text, Storage.DOTENV)), default_storage=Storage.DOTENV)


def dotenv_values(text: Text, storage: Storage, locator_prefix: str = "", note: str | None = None) -> list[Value]:
    out: list[Value] = []
    for entry in entries(text.text):
        if entry.key.lower().startswith("sops_"):
            place = Place(storage, f"{locator_prefix}{entry.key}", entry.key, "SOPS metadata")
            out += [
                replace(v, safe=True) for v in assignment(text, entry.start, entry.end, entry.key, place, named=False)
            ]
            continue
        place = Place(storage, f"{locator_prefix}{entry.key}", entry.key, note)
        out += assignment(text, entry.start, entry.end, entry.key, place, logical=entry.logical)
    return out


def entries(source: str) -> list[Entry]:
    """Every assignment, in order; lines that are not assignments are skipped."""
    out: list[Entry] = []
    pos = 0
    while True:
        m = _LINE.search(source, pos)
        if m is None:
            return out
        entry, pos = _value(source, m.group("key"), m.end())
        if entry is not None:
            out.append(entry)


def _value(source: str, key: str, start: int) -> tuple[Entry | None, int]:
    quote = source[start : start + 1]
    if quote in ('"', "'", "`"):
        close = _closing(source, start + 1, quote)
        if close >= 0:
            raw = source[start + 1 : close]
            logical = _unescape(raw) if quote == '"' else raw
            return Entry(key, start + 1, close, logical), _line_end(source, close)
    end = _line_end(source, start)
    raw = source[start:end]
    comment = re.search(r"[ \t]#", raw)
    if comment:
        raw = raw[: comment.start()]
    raw = raw.rstrip(" \t\r")
    return Entry(key, start, start + len(raw), raw), end


def _closing(source: str, pos: int, quote: str) -> int:
    while True:
        found = source.find(quote, pos)
        if found < 0:
            return -1
        backslashes = len(source[pos:found]) - len(source[pos:found].rstrip("\\"))
        if quote == '"' and backslashes % 2:
            pos = found + 1
            continue
        return found


def _line_end(source: str, pos: int) -> int:
    end = source.find("\n", pos)
    return len(source) if end < 0 else end


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), raw)
