"""Detect secrets in one blob: engine hits -> entropy -> filters -> allow -> Match records.

Plaintext secrets stop here: a Match holds a hash, a fingerprint and a redacted preview.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import re2

from secretscan.config import Settings
from secretscan.detect.allow import is_allowed, line_bounds
from secretscan.detect.engine import Engine, RawHit
from secretscan.detect.entropy import shannon
from secretscan.detect.filters import Candidate, rejecting_filter
from secretscan.ids import fingerprint, redact, secret_hash
from secretscan.model import BlobId, Location, Match, Provenance, Span, Storage


@dataclass(frozen=True)
class Detector:
    """An engine with the settings that shape what counts as a finding."""

    engine: Engine
    settings: Settings
    _allowed: tuple = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        compiled = tuple(re2.compile(p) for p in self.settings.allowed_patterns)
        object.__setattr__(self, "_allowed", compiled)

    def scan(
        self, data: bytes, blob_id: BlobId, provenance: Provenance, *, resolve: bool = True
    ) -> list[Match]:
        """Every accepted match in ``data``, in order of position.

        ``resolve=False`` keeps overlapping hits of different rules (used by `rules check`,
        which asks whether one rule matches, whatever others do).
        """
        raw = self.engine.hits(data)
        hits = resolve_overlaps(raw) if resolve else raw
        lines = LineIndex(data)
        out = []
        for hit in hits:
            match = self._accept(hit, data, lines, blob_id, provenance)
            if match is not None:
                out.append(match)
        return out

    def _accept(
        self, hit: RawHit, data: bytes, lines: LineIndex, blob_id: BlobId, provenance: Provenance
    ) -> Match | None:
        rule = hit.rule
        if rule.confidence < self.settings.min_confidence:
            return None
        secret = hit.secret.decode("utf-8", errors="replace")
        entropy = shannon(secret)
        if rule.min_entropy is not None and entropy < rule.min_entropy:
            return None
        first, last = line_bounds(data, hit.start)
        line_text = data[first:last].decode("utf-8", errors="replace")
        if rejecting_filter(Candidate(secret, rule, line_text, provenance.path)):
            return None
        if self._user_allowed(secret):
            return None
        location = Location(
            blob_id=blob_id,
            provenance=provenance,
            span=lines.span(hit.start, hit.end),
            storage=Storage.PLAIN_FILE,
            allowed=is_allowed(data, hit.start, hit.end),
        )
        return Match(
            rule_id=rule.id,
            fingerprint=fingerprint(rule.id, hit.secret),
            secret_hash=secret_hash(hit.secret),
            preview=redact(secret),
            location=location,
            entropy=round(entropy, 3),
            length=len(secret),
            revealed=secret if self.settings.show_secrets else None,
        )

    def _user_allowed(self, secret: str) -> bool:
        if secret in self.settings.allowed_values:
            return True
        return any(p.search(secret) for p in self._allowed)


def resolve_overlaps(hits: Iterable[RawHit]) -> list[RawHit]:
    """Where captures overlap, keep the most confident, then the longest; order by position."""
    ranked = sorted(hits, key=lambda h: (-h.rule.confidence, -(h.end - h.start), h.rule.id))
    kept: list[RawHit] = []
    for hit in ranked:
        clash = any(hit.start < k.end and k.start < hit.end and _dominates(k, hit) for k in kept)
        if not clash:
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.rule.id))


def _dominates(kept: RawHit, other: RawHit) -> bool:
    """An overlapping hit is dropped unless it is the very same span from an equally sure rule
    of the same provider (two rules of one provider on one span are the same finding)."""
    if kept.rule.confidence > other.rule.confidence:
        return True
    same_span = (kept.start, kept.end) == (other.start, other.end)
    return not same_span or kept.rule.provider == other.rule.provider


class LineIndex:
    """Byte offset -> 1-based line and column (columns count characters, not bytes)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._starts: list[int] | None = None

    def _line_starts(self) -> Sequence[int]:
        if self._starts is None:
            starts = [0]
            find = self._data.find
            pos = find(b"\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
            self._starts = starts
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        starts = self._line_starts()
        index = bisect.bisect_right(starts, offset) - 1
        prefix = self._data[starts[index] : offset].decode("utf-8", errors="replace")
        return index + 1, len(prefix) + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, _ = self.position(max(start, end - 1))
        return Span(start=start, end=end, line=line, column=column, end_line=end_line)
