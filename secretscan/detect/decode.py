"""Find encoded runs in text and decode them, so secrets hidden by encoding are scanned too.

Handled: base64 and base64url runs, hex runs, percent-encoding, ``\\uXXXX``/``\\xXX``
escapes, and JSON strings embedded in strings (escaped quotes). A decoded run is kept only
when it is mostly printable UTF-8 text that differs from its source. Work is bounded per
blob (candidates, run length and total decoded bytes), so hostile input cannot blow up
memory or time: every pass is a linear-time regex scan plus bounded decoding.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

import re2
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from secretscan.lazyre import lazy


@dataclass(frozen=True, slots=True)
class Limits:
    max_candidates: int = 4000  # decoded runs kept per text
    max_attempts: int = 20000  # encoded-looking runs tried per text (bounds time on hostile input)
    max_run: int = 256 * 1024  # longest encoded run tried (bytes)
    max_total: int = 8 * 1024 * 1024  # decoded bytes kept per text
    min_decoded: int = 8  # shorter decoded text cannot hold a secret worth a rule


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded run: where its encoded form sits in the parent text, and what it decodes to."""

    start: int
    end: int
    data: bytes
    codec: str


# Base64 of printable text: each 4-character quad encodes 3 bytes, and a text byte's top six bits
# (0x20-0x7e >> 2 = 8..31) make the quad's first character one of I-Z or a-f. Requiring 5+ such
# quads skips identifiers and digests at regex speed; the runs it keeps are checked fully below.
_B64 = re2.compile(rb"(?:[I-Za-f][A-Za-z0-9+/_-]{3}){5,}[A-Za-z0-9+/_-]{0,3}={0,2}")  # RE2: linear memory
_B64_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
# Hex of text: every byte is printable ASCII (high nibble 2-7) or a tab/newline/CR. Matching
# those pairs only, in RE2 (linear, no backtracking state), skips digests at scanning speed.
_HEX = re2.compile(rb"(?:[2-7][0-9a-fA-F]|0[9aAdD]){10,}")
_PERCENT = lazy(rb"%[0-9A-Fa-f]{2}")
_ESCAPE = lazy(rb"\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2})")
_JSON_STRING = lazy(rb'"((?:[^"\\\n]|\\.){8,8192})"')
_RUN_STOP = lazy(rb"[\s'\"<>`]")
_PRINTABLE_MIN = 0.9


# What a text must hold for a pass to find anything: each is a part of that pass's own anchor
# (hex: its first ten pairs; percent and escape: one anchor; JSON strings: an escaped quote).
# The engine runs them in its Hyperscan database with the rules, so the cues of a blob come with
# its hits at no extra pass. Base64 has none: a Hyperscan class-only expression costs more than
# RE2's own search.
CUES: dict[str, str] = {
    "hex": r"(?:[2-7][0-9a-fA-F]|0[9aAdD]){10}",
    "percent": r"%[0-9A-Fa-f]{2}",
    "escape": r"\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2})",
    "json-string": r'\\"',
}


def decode_runs(data: bytes, limits: Limits = Limits(), cues: frozenset[str] | None = None) -> Iterator[Decoded]:
    """Every decodable run in ``data``, in order of the passes, within ``limits``. ``cues``:
    the names of ``CUES`` found in ``data`` (by the engine); None looks for them here."""
    budget = _Budget(limits)
    for finder in _cued_passes(_cues_in(data) if cues is None else cues):
        for piece in finder(data, limits):
            if piece is None:
                if budget.attempts_left():
                    continue
                break
            if not budget.take(piece):
                return
            yield piece


def _cues_in(data: bytes) -> frozenset[str]:
    """The names of ``CUES`` in ``data``, for a caller without the engine's scan."""
    return frozenset(name for name, cue in _CUE_PATTERNS.items() if cue.search(data) is not None)


_CUE_PATTERNS = {name: lazy(expression.encode()) for name, expression in CUES.items()}


def _cued_passes(cues: frozenset[str]) -> list:  # type: ignore[type-arg]
    return [_base64_runs] + [finder for name, finder in _CUED if name in cues]


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.candidates = limits.max_candidates
        self.total = limits.max_total
        self.attempts = limits.max_attempts

    def attempts_left(self) -> bool:
        self.attempts -= 1
        return self.attempts > 0

    def take(self, piece: Decoded) -> bool:
        self.candidates -= 1
        self.total -= len(piece.data)
        return self.candidates >= 0 and self.total >= 0


def _text(decoded: bytes, source: bytes, limits: Limits) -> bool:
    """Whether decoded bytes are text worth scanning (and not the source again)."""
    if len(decoded) < limits.min_decoded or decoded == source:
        return False
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if text.isprintable():
        return True
    # Line breaks and tabs count as printable here (str.isprintable says they are not).
    printable = sum(map(str.isprintable, text)) + text.count("\n") + text.count("\r") + text.count("\t")
    return printable >= _PRINTABLE_MIN * len(text)


def _base64_runs(data: bytes, limits: Limits) -> Iterator[Decoded | None]:
    for m in _B64.finditer(data):
        run = m.group(0)
        start = m.start()
        if start > 0 and data[start - 1] in _B64_CHARS:
            continue  # starts inside a longer run: not aligned to that run's quads
        if len(run) > limits.max_run or not _mixed(run):
            continue  # cheap rejections do not count as attempts
        body = run.rstrip(b"=")
        url = b"-" in body or b"_" in body
        if url and (b"+" in body or b"/" in body):
            continue
        if len(body) % 4 == 1:
            continue
        padded = body + b"=" * (-len(body) % 4)
        try:
            decoded = base64.urlsafe_b64decode(padded) if url else base64.b64decode(padded, validate=True)
        except (binascii.Error, ValueError):
            yield None
            continue
        yield Decoded(m.start(), m.end(), decoded, "base64url" if url else "base64") if _text(decoded, run, limits) else None


_UPPER = bytes(range(65, 91))
_LOWER = bytes(range(97, 123))
_DIGITS = b"0123456789"


def _count(run: bytes, chars: bytes) -> int:
    return len(run) - len(run.translate(None, chars))  # C speed: no Python loop over bytes


def _mixed(run: bytes) -> bool:
    """Base64 of text mixes upper and lower case (each at least a sixth of the run) with digits or
    symbols; identifiers (snake_case, CONSTANTS, camelCase words) mostly do not."""
    n = len(run)
    upper, lower = _count(run, _UPPER), _count(run, _LOWER)
    if upper * 6 < n or lower * 6 < n:
        return False
    if _count(run, b"_-") * 10 > n:  # separators every few characters: words, not base64url
        return False
    return _count(run, _DIGITS) > 0 or b"+" in run or b"/" in run or run.endswith(b"=")


def _alnum_at(data: bytes, i: int) -> bool:
    return 0 <= i < len(data) and data[i : i + 1].isalnum()


def _hex_runs(data: bytes, limits: Limits) -> Iterator[Decoded | None]:
    for m in _HEX.finditer(data):
        run = m.group(0)
        start, end = m.span()
        if len(run) > limits.max_run or _alnum_at(data, start - 1) or _alnum_at(data, end):
            continue  # part of a longer token (a digest, an id): not a hex-encoded text
        decoded = bytes.fromhex(run.decode("ascii"))
        yield Decoded(m.start(), m.end(), decoded, "hex") if _text(decoded, run, limits) else None


def _runs_around(
    data: bytes, anchor: re.Pattern[bytes], minimum: int, limits: Limits
) -> Iterator[tuple[int, int] | None]:
    """Maximal runs without white space or quotes that hold ``minimum`` anchors.

    Anchors are found first and each run is grown outwards once, so the work is linear
    (a regex with a leading ``[^...]*`` would retry from every position of a long run).
    """
    pos = 0
    while True:
        m = anchor.search(data, pos)
        if m is None:
            return
        stop = _RUN_STOP.search(data, m.end())
        end = stop.start() if stop else len(data)
        start = _run_start(data, m.start(), pos)
        pos = max(end, m.end())
        ok = end - start <= limits.max_run and len(anchor.findall(data, start, end)) >= minimum
        yield (start, end) if ok else None


_STOPS = (b" ", b"\n", b"\t", b"\r", b"'", b'"', b"<", b">", b"`", b"\f", b"\v")


def _run_start(data: bytes, at: int, floor: int) -> int:
    return max(data.rfind(stop, floor, at) for stop in _STOPS) + 1 if at > floor else at


def _percent_runs(data: bytes, limits: Limits) -> Iterator[Decoded | None]:
    for span in _runs_around(data, _PERCENT, 2, limits):
        if span is None:
            yield None
            continue
        start, end = span
        run = data[start:end]
        decoded = unquote_to_bytes(run)
        yield Decoded(start, end, decoded, "percent") if _text(decoded, run, limits) else None


def _escape_runs(data: bytes, limits: Limits) -> Iterator[Decoded | None]:
    for span in _runs_around(data, _ESCAPE, 1, limits):
        if span is None:
            yield None
            continue
        start, end = span
        run = data[start:end].replace(b"\\\\", b"\\")
        decoded = _unescape(run)
        ok = decoded is not None and _text(decoded, run, limits)
        yield Decoded(start, end, decoded, "escape") if ok and decoded is not None else None


_ONE_ESCAPE = lazy(rb"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")


def _unescape(run: bytes) -> bytes | None:
    def one(m: re.Match[bytes]) -> bytes:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code).encode("utf-8", errors="surrogatepass")

    try:
        return _ONE_ESCAPE.sub(one, run)
    except (ValueError, UnicodeEncodeError):
        return None


def _json_strings(data: bytes, limits: Limits) -> Iterator[Decoded | None]:
    for m in _JSON_STRING.finditer(data):
        inner = m.group(1)
        if b'\\"' not in inner or len(inner) > limits.max_run:
            continue
        try:
            text = json.loads(b'"' + inner + b'"')
        except ValueError:
            yield None
            continue
        decoded = text.encode("utf-8", errors="replace") if isinstance(text, str) else b""
        yield Decoded(m.start(1), m.end(1), decoded, "json-string") if _text(decoded, inner, limits) else None


_CUED = (("hex", _hex_runs), ("percent", _percent_runs), ("escape", _escape_runs), ("json-string", _json_strings))
