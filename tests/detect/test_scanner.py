from __future__ import annotations

from secretscan.config import Settings
from secretscan.detect.engine import Engine, RawHit
from secretscan.detect.scanner import Detector, LineIndex, resolve_overlaps
from secretscan.ids import blob_id, fingerprint
from secretscan.model import Confidence, Provenance, SourceKind, Storage

from helpers import make_rules

PROV = Provenance(SourceKind.FILE, "app/settings.py")
TOKEN = "Zq7Rk2Lw9Xv4Tn8Bc3Md6Pf"


def detector(settings: Settings = Settings(), **spec: object) -> Detector:
    rule = {"id": "t.tok", "pattern": r"tok_([A-Za-z0-9]{23})\b", "confidence": "high", **spec}
    return Detector(Engine(make_rules(rule)), settings)


def scan(d: Detector, text: str) -> list:
    data = text.encode()
    return d.scan(data, blob_id(data), PROV)


def test_match_carries_position_fingerprint_and_redaction_only() -> None:
    (m,) = scan(detector(), f"a = 1\n  key = 'tok_{TOKEN}'\n")
    assert (m.rule_id, m.location.span.line, m.location.span.column) == ("t.tok", 2, 14)
    assert m.location.storage is Storage.PLAIN_FILE
    assert m.fingerprint == fingerprint("t.tok", TOKEN.encode())
    assert m.preview == "Zq7R…d6Pf"
    assert m.revealed is None
    assert TOKEN not in repr(m)


def test_show_secrets_reveals_on_request() -> None:
    (m,) = scan(detector(Settings(show_secrets=True)), f"tok_{TOKEN}")
    assert m.revealed == TOKEN


def test_columns_count_characters_not_bytes() -> None:
    (m,) = scan(detector(), f"é€ = tok_{TOKEN}")
    assert m.location.span.column == 10


def test_entropy_floor_drops_low_entropy_values() -> None:
    assert scan(detector(min_entropy=4.6), f"tok_{TOKEN}") == []
    assert len(scan(detector(min_entropy=4.5), f"tok_{TOKEN}")) == 1


def test_filters_drop_placeholders_unless_the_rule_opts_out() -> None:
    text = "tok_aaaaaaaaaaaaaaaaaaaaaaa"
    assert scan(detector(), text) == []
    assert len(scan(detector(skip_filters=["repeated_or_sequential", "placeholder"]), text)) == 1


def test_min_confidence_setting() -> None:
    d = detector(Settings(min_confidence=Confidence.HIGH), confidence="medium")
    assert scan(d, f"tok_{TOKEN}") == []


def test_user_allowed_values_and_patterns() -> None:
    assert scan(detector(Settings(allowed_values=(TOKEN,))), f"tok_{TOKEN}") == []
    assert scan(detector(Settings(allowed_patterns=("^Zq7R",))), f"tok_{TOKEN}") == []
    assert len(scan(detector(Settings(allowed_patterns=("^nomatch",))), f"tok_{TOKEN}")) == 1


def test_inline_allow_marks_the_location() -> None:
    (m,) = scan(detector(), f"tok_{TOKEN}  # secretscan:allow")
    assert m.location.allowed is True


def _hit(rule_id: str, confidence: str, start: int, end: int, provider: str = "P") -> RawHit:
    (rule,) = make_rules({"id": rule_id, "pattern": "(x)", "confidence": confidence, "provider": provider})
    return RawHit(rule, start, end, b"x" * (end - start))


def test_overlaps_keep_the_most_confident_rule() -> None:
    kept = resolve_overlaps([_hit("t.generic", "low", 0, 30), _hit("t.specific", "high", 5, 25)])
    assert [h.rule.id for h in kept] == ["t.specific"]


def test_disjoint_hits_are_all_kept_in_order() -> None:
    kept = resolve_overlaps([_hit("t.b", "low", 40, 50), _hit("t.a", "high", 0, 10)])
    assert [h.rule.id for h in kept] == ["t.a", "t.b"]


def test_same_span_equal_confidence_different_providers_are_both_kept() -> None:
    kept = resolve_overlaps([_hit("t.a", "medium", 0, 10, "A"), _hit("t.b", "medium", 0, 10, "B")])
    assert sorted(h.rule.id for h in kept) == ["t.a", "t.b"]


def test_line_index() -> None:
    idx = LineIndex(b"ab\ncd\n\nef")
    assert idx.position(0) == (1, 1)
    assert idx.position(4) == (2, 2)
    assert idx.position(7) == (4, 1)
    span = idx.span(1, 5)
    assert (span.line, span.column, span.end_line) == (1, 2, 2)


def test_a_rejected_hit_does_not_hide_another_rules_valid_hit() -> None:
    rules = make_rules(
        {"id": "secretscan.generic.token", "pattern": r"TOKEN=([0-9a-f]{32})", "confidence": "medium", "min_entropy": 4.5},
        {"id": "t.acme", "pattern": r"ACME_API_TOKEN=([0-9a-f]{32})", "confidence": "low", "skip_filters": ["hex_hash"]},
    )
    d = Detector(Engine(rules), Settings())
    found = scan(d, "ACME_API_TOKEN=4f0c9a1be27d8356af0c1e92b7d4a6e3")
    assert [m.rule_id for m in found] == ["t.acme"]  # the generic hit fails its entropy floor first


def test_a_provider_rule_outranks_a_more_confident_generic_rule() -> None:
    rules = make_rules(
        {"id": "secretscan.generic.token", "pattern": r"TOKEN=([A-Za-z0-9]{24})", "confidence": "high"},
        {"id": "t.acme", "pattern": r"ACME_API_TOKEN=([A-Za-z0-9]{24})", "confidence": "low"},
    )
    d = Detector(Engine(rules), Settings())
    assert [m.rule_id for m in scan(d, "ACME_API_TOKEN=Zq7Rk2Lw9Xv4Tn8Bc3Md6Pf0")] == ["t.acme"]
