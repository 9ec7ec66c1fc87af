"""Every built-in rule proves itself: each example is found, each negative example is not."""

from __future__ import annotations

import pytest

from secretscan.config import Settings
from secretscan.detect.engine import Engine, pattern_errors
from secretscan.detect.rulecheck import check_rules
from secretscan.detect.scanner import Detector
from secretscan.ids import blob_id
from secretscan.model import Provenance, Rule, SourceKind
from secretscan.ruleset.loader import builtin_rules_dir, duplicate_ids, load_dirs

RULES = load_dirs([builtin_rules_dir()])


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(Engine(RULES), Settings())


def _found(detector: Detector, text: str) -> set[str]:
    data = text.encode()
    found = detector.scan(data, blob_id(data), Provenance(SourceKind.FILE, "example.txt"), resolve=False)
    return {m.rule_id for m in found}


def test_rule_ids_are_unique() -> None:
    assert list(duplicate_ids(RULES)) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule(rule: Rule, detector: Detector) -> None:
    assert pattern_errors(rule.pattern) == []
    assert rule.examples and rule.negative_examples
    for example in rule.examples:
        assert rule.id in _found(detector, example), f"example not found: {example!r}"
    for negative in rule.negative_examples:
        assert rule.id not in _found(detector, negative), f"negative example found: {negative!r}"


def test_rules_check_passes_on_builtin_rules() -> None:
    assert check_rules(RULES) == []
