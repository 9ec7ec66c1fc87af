from __future__ import annotations

from pathlib import Path

import pytest

from secretscan.detect.engine import Engine, pattern_errors
from secretscan.errors import RuleError
from helpers import make_rules


def test_hits_extract_the_capture_group_with_offsets() -> None:
    engine = Engine(make_rules({"id": "t.one", "pattern": r"key=([a-z]{4})\b"}))
    data = b"x key=abcd y key=efgh"
    hits = engine.hits(data)
    assert [(h.rule.id, h.start, h.end, h.secret) for h in hits] == [
        ("t.one", 6, 10, b"abcd"),
        ("t.one", 17, 21, b"efgh"),
    ]


def test_keywords_gate_a_rule_case_insensitively() -> None:
    rules = make_rules({"id": "t.kw", "pattern": r"\b([0-9a-f]{8})\b", "keywords": ["acme"]})
    engine = Engine(rules)
    assert engine.hits(b"value 0a1b2c3d") == []
    assert [h.secret for h in engine.hits(b"ACME value 0a1b2c3d")] == [b"0a1b2c3d"]


def test_only_rules_that_hit_run_and_each_is_reported() -> None:
    engine = Engine(make_rules({"id": "t.a", "pattern": r"(aaa\d)"}, {"id": "t.b", "pattern": r"(bbb\d)"}))
    assert sorted((h.rule.id, h.secret) for h in engine.hits(b"aaa1 bbb2 aaa3")) == [
        ("t.a", b"aaa1"),
        ("t.a", b"aaa3"),
        ("t.b", b"bbb2"),
    ]


def test_invalid_utf8_and_nul_bytes_are_scanned_as_bytes() -> None:
    engine = Engine(make_rules({"id": "t.one", "pattern": r"key=([a-z]{4})"}))
    assert [h.secret for h in engine.hits(b"\xff\xfe\x00key=abcd\x80")] == [b"abcd"]


def test_database_is_cached_and_reused(tmp_path: Path) -> None:
    rules = make_rules({"id": "t.one", "pattern": r"key=([a-z]{4})"})
    Engine(rules, tmp_path)
    cached = list(tmp_path.glob("hs-*.db"))
    assert len(cached) == 1
    again = Engine(rules, tmp_path)  # loads from the cache
    assert [h.secret for h in again.hits(b"key=wxyz")] == [b"wxyz"]


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    rules = make_rules({"id": "t.one", "pattern": r"key=([a-z]{4})"})
    Engine(rules, tmp_path)
    (cached,) = tmp_path.glob("hs-*.db")
    cached.write_bytes(b"garbage")
    assert [h.secret for h in Engine(rules, tmp_path).hits(b"key=wxyz")] == [b"wxyz"]


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (r"key=[a-z]+", "needs exactly one capture group, has 0"),
        (r"(key)=([a-z]+)", "needs exactly one capture group, has 2"),
        (r"(?=key)([a-z]+)", "RE2 cannot compile it"),
        (r"(a)\1", "RE2 cannot compile it"),
        (r"([a-z]*)", "Hyperscan cannot compile it"),  # matches the empty string
    ],
)
def test_pattern_errors(pattern: str, problem: str) -> None:
    assert any(problem in e for e in pattern_errors(pattern))


def test_a_database_that_cannot_compile_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="t.bad"):
        Engine(make_rules({"id": "t.bad", "pattern": r"(?=x)(y)"}))


def test_hyperscan_runs_the_prefilter_and_re2_still_extracts_with_the_pattern() -> None:
    # The prefilter is what finds candidate blobs: a blob it misses is not extracted from,
    # even where the pattern would match (which is why `rules check` proves it a superset).
    pattern = r"\b([a-z]{4}_[0-9]{6})\b"
    engine = Engine(make_rules({"id": "t.pre", "pattern": pattern, "prefilter": r"_[0-9]{6}"}))
    assert [(h.start, h.end, h.secret) for h in engine.hits(b"id abcd_123456 efgh_654321 xyz_1")] == [
        (3, 14, b"abcd_123456"),
        (15, 26, b"efgh_654321"),
    ]
    assert engine.hits(b"abcd_123456x") == []  # prefilter hits, the pattern does not match
    blind = Engine(make_rules({"id": "t.blind", "pattern": pattern, "prefilter": r"never-here"}))
    assert blind.hits(b"id abcd_123456") == []


def test_the_prefilter_is_part_of_the_database_digest() -> None:
    from secretscan.ruleset.loader import rules_digest

    plain = make_rules({"id": "t.d", "pattern": r"(ab\d)"})
    filtered = make_rules({"id": "t.d", "pattern": r"(ab\d)", "prefilter": r"ab"})
    assert rules_digest(plain) != rules_digest(filtered)


def test_rules_check_proves_the_prefilter_on_every_example() -> None:
    from secretscan.detect.rulecheck import check_rules

    spec = {"id": "t.pre", "pattern": r"\b(tok_[0-9a-f]{8})\b", "examples": ["TOKEN=tok_0a1b2c3d", "x tok_99aa88bb"],
            "negative_examples": ["TOKEN=tok_0a1b"], "min_entropy": 0}
    assert [p.message for p in check_rules(make_rules({**spec, "prefilter": r"tok_[0-9a-f]{8}"}))] == []
    problems = check_rules(make_rules({**spec, "prefilter": r"TOKEN=tok_"}))
    assert [p.message for p in problems] == ["prefilter misses an example: 'x tok_99aa88bb'"]
    broken = check_rules(make_rules({**spec, "prefilter": r"(?=x)y"}))
    assert [p.message.split(":")[0] for p in broken] == ["Hyperscan cannot compile its prefilter"]


def test_a_prefilter_must_be_a_non_empty_string() -> None:
    with pytest.raises(RuleError, match="'prefilter' must be a non-empty string"):
        make_rules({"id": "t.bad", "pattern": r"(ab\d)", "prefilter": ""})
