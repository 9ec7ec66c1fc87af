"""`rules check`: every rule proves itself. Examples must be found by the full engine
(entropy floor and filters included); negative examples must not be."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from secretscan.config import Settings
from secretscan.detect.engine import Engine, compile_hyperscan, rule_errors
from secretscan.detect.filters import FILTERS
from secretscan.detect.scanner import Detector
from secretscan.ids import blob_id
from secretscan.model import Provenance, Rule, SourceKind
from secretscan.ruleset.loader import duplicate_ids


@dataclass(frozen=True, slots=True)
class RuleProblem:
    rule_id: str
    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.rule_id}: {self.message}"


def check_rules(rules: Sequence[Rule], cache_dir: Path | None = None) -> list[RuleProblem]:
    problems = [RuleProblem(d, _source_of(rules, d), "duplicate id") for d in duplicate_ids(rules)]
    usable = []
    for rule in rules:
        own = _static_problems(rule)
        problems.extend(own)
        if not own:
            usable.append(rule)
    if usable:
        problems.extend(_example_problems(usable, cache_dir))
    return problems


def _static_problems(rule: Rule) -> list[RuleProblem]:
    out = [RuleProblem(rule.id, rule.source, e) for e in rule_errors(rule)]
    if rule.prefilter and not out:
        out += [RuleProblem(rule.id, rule.source, f"prefilter misses an example: {e!r}") for e in _prefilter_misses(rule)]
    if not rule.examples:
        out.append(RuleProblem(rule.id, rule.source, "has no examples"))
    if not rule.negative_examples:
        out.append(RuleProblem(rule.id, rule.source, "has no negative examples"))
    unknown = sorted(set(rule.skip_filters) - set(FILTERS))
    if unknown:
        out.append(RuleProblem(rule.id, rule.source, f"skip_filters names unknown filter(s) {', '.join(unknown)}"))
    return out


def _prefilter_misses(rule: Rule) -> list[str]:
    """Examples the prefilter does not hit: it must match wherever the pattern does."""
    database = compile_hyperscan([rule.prefilter])
    missed = []
    for example in rule.examples:
        hits: list[int] = []
        database.scan(example.encode("utf-8"), match_event_handler=lambda i, *_: hits.append(i))
        if not hits:
            missed.append(example)
    return missed


def _example_problems(rules: Sequence[Rule], cache_dir: Path | None) -> list[RuleProblem]:
    detector = Detector(Engine(_unique(rules), cache_dir), Settings())
    out = []
    for rule in rules:
        for example in rule.examples:
            if rule.id not in _rules_found(detector, example):
                out.append(RuleProblem(rule.id, rule.source, f"example does not match: {example!r}"))
        for negative in rule.negative_examples:
            if rule.id in _rules_found(detector, negative):
                out.append(RuleProblem(rule.id, rule.source, f"negative example matches: {negative!r}"))
    return out


def _rules_found(detector: Detector, text: str) -> set[str]:
    data = text.encode("utf-8")
    provenance = Provenance(SourceKind.FILE, "example.txt")
    return {m.rule_id for m in detector.scan(data, blob_id(data), provenance, resolve=False)}


def _unique(rules: Sequence[Rule]) -> list[Rule]:
    return list({rule.id: rule for rule in rules}.values())


def _source_of(rules: Sequence[Rule], rule_id: str) -> str:
    return ", ".join(sorted({r.source for r in rules if r.id == rule_id}))
