"""Fixture expectations for the structure-aware walkers (importable: tests/ is on sys.path).

Each fixture folder (fixtures/k8s, helm, kustomize, docker, spring, config) holds an
``expected.yaml`` mapping every fixture file to the exact findings expected from it, one
``[rule id, line, locator, storage]`` per finding (a fifth item ``allowed`` marks an
occurrence covered by an inline allow comment). A file listed with ``[]`` must stay quiet.

The exact comparison runs with ONE pattern rule loaded, ``secretscan.github.pat``, plus the
structural rules: other pattern rules (generic password assignments, connection URIs...)
are added to the project concurrently and would take over some values from the structural
rules (by design: a value a rule reports gets no structural finding). With the full rule
set, tests check instead that each expected place is still reported, whatever the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from secretscan.config import Settings
from secretscan.detect.engine import Engine
from secretscan.detect.scanner import Detector
from secretscan.detect.structured import analyze
from secretscan.ids import blob_id
from secretscan.model import Blob, Match, Provenance, Rule, SourceKind
from secretscan.ruleset.loader import load_rules

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
GITHUB_PAT = "secretscan.github.pat"


@dataclass(frozen=True, order=True)
class Expected:
    rule: str
    line: int
    locator: str
    storage: str
    allowed: bool = False


_BUILTIN: list[list[Rule]] = []


def builtin_rules() -> list[Rule]:
    if not _BUILTIN:
        _BUILTIN.append(load_rules(()))
    return _BUILTIN[0]


def detector(*, only_github: bool = True, settings: Settings | None = None, cache: Path | None = None) -> Detector:
    rules = builtin_rules()
    if only_github:
        rules = [r for r in rules if r.id == GITHUB_PAT]
        assert rules, "the built-in GitHub PAT rule is missing"
    return Detector(Engine(rules, cache), settings or Settings())


def analyze_file(det: Detector, folder: str, rel: str) -> list[Match]:
    data = (FIXTURES / folder / rel).read_bytes()
    path = f"{folder}/{rel}"
    return analyze(det, Blob(blob_id(data), data), Provenance(SourceKind.FILE, path))


def actual(matches: list[Match]) -> set[Expected]:
    return {
        Expected(
            m.rule_id, m.location.span.line, m.location.locator or "", m.location.storage.value, m.location.allowed
        )
        for m in matches
    }


def expectations(folder: str) -> dict[str, set[Expected]]:
    document = yaml.safe_load((FIXTURES / folder / "expected.yaml").read_text(encoding="utf-8"))
    out: dict[str, set[Expected]] = {}
    for rel, rows in document.items():
        out[rel] = {
            Expected(str(r[0]), int(r[1]), str(r[2]), str(r[3]), len(r) > 4 and r[4] == "allowed") for r in rows or ()
        }
    return out


def fixture_files(folder: str) -> list[str]:
    base = FIXTURES / folder
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file() and p.name != "expected.yaml")


_FULL: list[Detector] = []


def full_detector() -> Detector:
    """Every built-in rule (compiled once per session, into the shared test cache)."""
    if not _FULL:
        import os

        cache = os.environ.get("SECRETSCAN_CACHE_DIR")
        _FULL.append(detector(only_github=False, cache=Path(cache) if cache else None))
    return _FULL[0]


def places(rows: set[Expected]) -> set[tuple[int, str, str]]:
    return {(e.line, e.locator, e.storage) for e in rows}
