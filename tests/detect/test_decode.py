from __future__ import annotations

import base64
import json
import time
import tracemalloc
from urllib.parse import quote

import pytest

from helpers import make_rules
from secretscan.config import Settings
from secretscan.detect.decode import Limits, decode_runs
from secretscan.detect.engine import Engine
from secretscan.detect.scanner import Detector
from secretscan.ids import blob_id
from secretscan.model import Provenance, SourceKind

TOKEN = "ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"
B64 = base64.b64encode(f"user:{TOKEN}".encode()).decode()


@pytest.mark.parametrize(
    ("text", "codec", "decoded"),
    [
        (f"Authorization: Basic {B64}", "base64", f"user:{TOKEN}"),
        (f"t={base64.urlsafe_b64encode(('x?>' + TOKEN).encode()).decode().rstrip('=')}", "base64url", "x?>" + TOKEN),
        (f"url=https://h/?t={quote(TOKEN, safe='')}%20%21", "percent", f"url=https://h/?t={TOKEN} !"),
        ("k = '" + TOKEN.replace("_", "\\u005f").replace("R", "\\x52") + "'", "escape", TOKEN),
        (f"k={TOKEN.encode().hex()}", "hex", TOKEN),
        ('cfg = "' + json.dumps({"password": "hunter2xyz"}).replace('"', '\\"') + '"', "json-string",
         '{"password": "hunter2xyz"}'),
    ],
)
def test_each_encoding_is_decoded(text: str, codec: str, decoded: str) -> None:
    pieces = [(p.codec, p.data.decode()) for p in decode_runs(text.encode())]
    assert (codec, decoded) in pieces


_ENCODED = [
    f"Authorization: Basic {B64}",
    f"url=https://h/?t={quote(TOKEN, safe='')}%20%21",
    "k = '" + TOKEN.replace("_", "\\u005f").replace("R", "\\x52") + "'",
    f"k={TOKEN.encode().hex()}",
    'cfg = "' + json.dumps({"password": "hunter2xyz"}).replace('"', '\\"') + '"',
]


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        (f"Authorization: Basic {B64}", set()),  # base64 has no cue: its pass always runs
        (f"url=https://h/?t={quote(TOKEN, safe='')}%20%21", {"percent"}),
        ("k = '" + TOKEN.replace("_", "\\u005f").replace("R", "\\x52") + "'", {"escape"}),
        (f"k={TOKEN.encode().hex()}", {"hex"}),
        ('cfg = "' + json.dumps({"password": "hunter2xyz"}).replace('"', '\\"') + '"', {"json-string"}),
        ("\n".join(_ENCODED), {"percent", "escape", "hex", "json-string"}),
        ("print('%s' % x); s = '\\n'; h = 'abcdef0123'", set()),  # % and backslashes without a cue
    ],
)
def test_the_engine_names_the_cues_and_the_cued_passes_find_the_same_runs(text: str, cues: set[str]) -> None:
    data = text.encode()
    _, found = Engine([]).scan(data)
    assert found == cues
    assert list(decode_runs(data, cues=found)) == list(decode_runs(data))


def test_a_pass_without_its_cue_is_not_run() -> None:
    data = f"k={TOKEN.encode().hex()} url=?t=%41%42%43%44%45%46%47%48".encode()
    assert [p.codec for p in decode_runs(data, cues=frozenset({"hex"}))] == ["hex"]
    assert [p.codec for p in decode_runs(data, cues=frozenset())] == []


@pytest.mark.parametrize(
    "text",
    [
        "getAttributeNamespaceURIForElement",  # an identifier: no digits, not base64 of text
        "sha = 3f786850e387550fdab836ed7e6dc881de23001b",  # a hash decodes to binary
        "data = " + base64.b64encode(bytes(range(256))).decode(),  # binary payload
        "plain text with 100% and 50% only",
    ],
)
def test_non_text_and_non_encoded_runs_are_ignored(text: str) -> None:
    assert list(decode_runs(text.encode())) == []


def test_limits_bound_the_work_on_hostile_input() -> None:
    many = b" ".join(base64.b64encode(b"secret=%06d-zz" % i) for i in range(20000))
    assert len(list(decode_runs(many, Limits(max_candidates=100)))) == 100
    assert sum(len(p.data) for p in decode_runs(many, Limits(max_total=10_000))) <= 10_000


@pytest.mark.parametrize(
    "hostile",
    [b"a" * 4_000_000, b"%" * 4_000_000, b"\\u00" * 1_000_000, b'"\\"' * 1_000_000, b"QUJD" * 1_000_000,
     b"%41" * 1_000_000, b"x%41 " * 500_000],
)
def test_hostile_input_is_linear_and_memory_bounded(hostile: bytes) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    for _ in decode_runs(hostile):
        pass
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 10, elapsed  # generous for a loaded 2-core machine; quadratic would take hours
    assert peak < 64 * 1024 * 1024, peak


def _detector(depth: int = 2) -> Detector:
    rules = make_rules(
        {"id": "t.pat", "pattern": r"\b(ghp_[A-Za-z0-9]{36})\b", "confidence": "high"},
        {"id": "t.generic", "pattern": r"([A-Za-z0-9+/]{40,}={0,2})", "confidence": "low"},
    )
    return Detector(Engine(rules), Settings(decode_depth=depth))


def _scan(d: Detector, text: str) -> list[tuple[str, int, int, tuple[str, ...]]]:
    data = text.encode()
    found = d.scan(data, blob_id(data), Provenance(SourceKind.FILE, "a.txt"))
    return [(m.rule_id, m.location.span.line, m.location.span.column, m.location.decoding) for m in found]


def test_decoded_secret_is_reported_at_the_encoded_run_with_its_chain() -> None:
    text = f"a = 1\nheader = 'Basic {B64}'\n"
    assert _scan(_detector(), text) == [("t.pat", 2, 17, ("base64",))]


def test_two_levels_of_encoding() -> None:
    twice = base64.b64encode(f"inner: {B64}".encode()).decode()
    assert _scan(_detector(), f"x = {twice}") == [("t.pat", 1, 5, ("base64", "base64"))]
    assert _scan(_detector(depth=1), f"x = {twice}") == [("t.generic", 1, 5, ())]


def test_depth_zero_disables_decoding() -> None:
    assert _scan(_detector(depth=0), f"Basic {B64}") == [("t.generic", 1, 7, ())]


def test_an_encoded_copy_elsewhere_is_another_location_of_the_secret() -> None:
    text = f"t = {TOKEN}\nu = {TOKEN.encode().hex()}\n"
    assert _scan(_detector(), text) == [("t.pat", 1, 5, ()), ("t.pat", 2, 5, ("hex",))]


def test_a_secret_shown_again_by_unescaping_is_one_occurrence() -> None:
    text = 'cfg = "{\\"token\\": \\"' + TOKEN + '\\"}"'
    assert _scan(_detector(), text) == [("t.pat", 1, 22, ())]
