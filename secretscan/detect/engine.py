"""The matching engine: Hyperscan finds which rules hit a blob, RE2 extracts the secret.

Both engines run in linear time, so no pattern can backtrack catastrophically on hostile
content. All patterns compile into one Hyperscan database (each rule reports at most once
per blob); the database is serialised to a cache keyed by the rules' digest so later
start-ups skip compilation. Only the rules that hit run their RE2 pattern, over that blob.
The decoder's cues (``decode.CUES``) ride in the same database: one pass over a blob says
which rules hit and which decoding passes can find anything in it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hyperscan
import re2

from secretscan.detect.decode import CUES
from secretscan.errors import RuleError
from secretscan.model import Rule
from secretscan.ruleset.loader import rules_digest

_HS_FLAGS = hyperscan.HS_FLAG_SINGLEMATCH
_RE2_MAX_MEM = 64 << 20


@dataclass(frozen=True, slots=True)
class RawHit:
    """A capture found by a rule. Holds the plaintext secret: never leaves detect/."""

    rule: Rule
    start: int
    end: int
    secret: bytes


def compile_re2(pattern: str) -> Any:
    options = re2.Options()
    options.max_mem = _RE2_MAX_MEM
    return re2.compile(pattern.encode("utf-8"), options)


def compile_hyperscan(patterns: Sequence[str]) -> Any:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=[p.encode("utf-8") for p in patterns],
        ids=list(range(len(patterns))),
        flags=[_HS_FLAGS] * len(patterns),
    )
    return db


def pattern_errors(pattern: str) -> list[str]:
    """Why a pattern is unusable by the engine (empty list: it is fine)."""
    errors: list[str] = []
    try:
        compiled = compile_re2(pattern)
    except Exception as exc:  # re2.error and friends: report, don't crash
        errors.append(f"RE2 cannot compile it: {exc}")
    else:
        if compiled.groups != 1:
            errors.append(f"needs exactly one capture group, has {compiled.groups}")
    try:
        compile_hyperscan([pattern])
    except hyperscan.error as exc:
        errors.append(f"Hyperscan cannot compile it: {exc}")
    return errors


def scan_expression(rule: Rule) -> str:
    """What Hyperscan runs for ``rule``: its prefilter (a superset of the pattern), else the pattern."""
    return rule.prefilter or rule.pattern


def rule_errors(rule: Rule) -> list[str]:
    """``pattern_errors`` of the rule's pattern, and whether Hyperscan compiles its prefilter."""
    errors = pattern_errors(rule.pattern)
    if rule.prefilter:
        try:
            compile_hyperscan([rule.prefilter])
        except hyperscan.error as exc:
            errors.append(f"Hyperscan cannot compile its prefilter: {exc}")
    return errors


class Engine:
    """Compiled once per run; ``hits`` is called per blob (one engine per worker process)."""

    def __init__(self, rules: Sequence[Rule], cache_dir: Path | None = None) -> None:
        self.rules = tuple(rules)
        self._by_id = {rule.id: rule for rule in self.rules}
        self._re2: dict[int, Any] = {}
        self._db = _load_database(self.rules, cache_dir)

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def hits(self, data: bytes) -> list[RawHit]:
        return self.scan(data)[0]

    def scan(self, data: bytes) -> tuple[list[RawHit], frozenset[str]]:
        """The rules' hits in ``data``, and the names of the decoder's cues it holds."""
        if not data:
            return [], frozenset()
        matched: list[int] = []

        def on_match(index: int, _from: int, _to: int, _flags: int, _ctx: Any) -> None:
            matched.append(index)

        self._db.scan(data, match_event_handler=on_match)
        if not matched:
            return [], frozenset()
        count = len(self.rules)
        cues = frozenset(_CUE_NAMES[i - count] for i in matched if i >= count)
        return self._hits(data, sorted({i for i in matched if i < count})), cues

    def _hits(self, data: bytes, indexes: list[int]) -> list[RawHit]:
        lowered: bytes | None = None
        out: list[RawHit] = []
        for index in indexes:
            rule = self.rules[index]
            if rule.keywords:
                if lowered is None:
                    lowered = data.lower()
                if not any(k.encode() in lowered for k in rule.keywords):
                    continue
            out.extend(self._extract(index, rule, data))
        return out

    def _extract(self, index: int, rule: Rule, data: bytes) -> list[RawHit]:
        regex = self._re2.get(index)
        if regex is None:
            regex = self._re2[index] = compile_re2(rule.pattern)
        hits = []
        for m in regex.finditer(data):
            start, end = m.span(1)
            if start < 0 or end <= start:
                continue
            hits.append(RawHit(rule, start, end, data[start:end]))
        return hits


_CUE_NAMES = tuple(CUES)


def _load_database(rules: Sequence[Rule], cache_dir: Path | None) -> Any:
    cues = "\0".join(f"{name}={expression}" for name, expression in CUES.items())
    key = hashlib.sha256(f"{rules_digest(rules)}\0{cues}".encode()).hexdigest()[:32]
    cached = cache_dir / f"hs-{hyperscan.__version__}-{key}.db" if cache_dir else None
    if cached is not None and cached.is_file():
        try:
            db = hyperscan.loadb(cached.read_bytes(), mode=hyperscan.HS_MODE_BLOCK)
            db.scratch = hyperscan.Scratch(db)  # a deserialised database comes without one
            return db
        except (OSError, hyperscan.error):
            pass  # a damaged cache entry is rebuilt below
    db = _compile_all(rules)
    if cached is not None:
        _write_cache(cached, hyperscan.dumpb(db))
    return db


def _compile_all(rules: Sequence[Rule]) -> Any:
    try:  # ids 0..n-1 are the rules, n.. the decoder's cues
        return compile_hyperscan([scan_expression(r) for r in rules] + list(CUES.values()))
    except hyperscan.error:
        bad = [f"{r.id}: {'; '.join(rule_errors(r))}" for r in rules if rule_errors(r)]
        raise RuleError("rules do not compile: " + (" | ".join(bad) or "pattern database too large")) from None


def _write_cache(path: Path, blob: bytes) -> None:
    try:
        import tempfile  # only when the database is written (a start-up with a warm cache skips it)

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hs-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache is an optimisation: an unwritable cache dir only costs compile time
