"""The core: sources -> dedup by blob -> detect -> findings. Never prints."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from secretscan.detect.scanner import Detector
from secretscan.detect.structured import analysis_key, analyze
from secretscan.model import (
    BlobId,
    Finding,
    Match,
    Provenance,
    Rule,
    ScanResult,
    ScanStats,
    Skipped,
    Status,
)
from secretscan.sources.base import Source


class Progress(Protocol):
    """Where the core reports progress; the CLI draws it, tests ignore it."""

    def advance(self, blobs: int, nbytes: int) -> None: ...


class NoProgress:
    def advance(self, blobs: int, nbytes: int) -> None:
        return None


def scan(sources: Iterable[Source], detector: Detector, progress: Progress | None = None) -> ScanResult:
    """Scan every blob the sources yield, each distinct content once."""
    sink = progress or NoProgress()
    started = time.perf_counter()
    seen: dict[tuple[BlobId, str], list[Match]] = {}
    matches: list[Match] = []
    skipped: list[Skipped] = []
    scanned = nbytes = reused = 0
    for source in sources:
        for item in source.items():
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            blob, provenance = item
            key = (blob.id, analysis_key(provenance.path))
            cached = seen.get(key)
            if cached is None:
                cached = seen[key] = analyze(detector, blob, provenance)
                scanned += 1
                nbytes += len(blob.data)
                sink.advance(1, len(blob.data))
                matches.extend(cached)
            else:
                reused += 1
                matches.extend(relocate(m, provenance) for m in cached)
    stats = ScanStats(scanned, nbytes, reused, time.perf_counter() - started, len(detector.engine.rules))
    findings = group(matches, {r.id: r for r in detector.engine.rules})
    return ScanResult(tuple(findings), tuple(skipped), stats, detector.engine.rules)


def relocate(match: Match, provenance: Provenance) -> Match:
    """The same content seen again under another path or commit."""
    return replace(match, location=replace(match.location, provenance=provenance))


def group(matches: Iterable[Match], rules: dict[str, Rule]) -> list[Finding]:
    """One finding per secret (rule + value), holding all its locations."""
    by_fp: dict[str, list[Match]] = {}
    for m in matches:
        by_fp.setdefault(m.fingerprint, []).append(m)
    findings = []
    for fp, group_matches in by_fp.items():
        first = group_matches[0]
        rule = rules[first.rule_id]
        locations = tuple(dict.fromkeys(m.location for m in group_matches))
        status = Status.ALLOWED if all(loc.allowed for loc in locations) else Status.NEW
        findings.append(
            Finding(
                fingerprint=first.fingerprint,
                rule_id=rule.id,
                rule_name=rule.name,
                kind=rule.kind,
                severity=rule.severity,
                confidence=rule.confidence,
                preview=first.preview,
                secret_hash=first.secret_hash,
                locations=locations,
                status=status,
                revealed=first.revealed,
            )
        )
    findings.sort(key=lambda f: (f.first.provenance.path, f.first.span.line, f.first.span.column, f.rule_id))
    return findings
