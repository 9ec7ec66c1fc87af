"""Detect secrets in one blob: engine hits -> entropy -> filters -> allow -> Match records.

Plaintext secrets stop here: a Match holds a hash, a fingerprint and a redacted preview.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import re2

from secretscan.config import Settings
from secretscan.detect import digests
from secretscan.detect.allow import is_allowed, line_bounds
from secretscan.detect.decode import decode_runs
from secretscan.detect.engine import Engine, RawHit
from secretscan.detect.entropy import shannon
from secretscan.detect.identity import GENERIC_PREFIX, identity_key
from secretscan.detect.filters import Candidate, rejecting_filter
from secretscan.detect.describe import describe
from secretscan.ids import fingerprint, redact, secret_hash
from secretscan.detect.structural_rules import STRUCTURAL_RULES
from secretscan.model import BlobId, Location, Match, Provenance, Rule, Span, Storage


@dataclass(frozen=True)
class Detector:
    """An engine with the settings that shape what counts as a finding."""

    engine: Engine
    settings: Settings
    _allowed: tuple = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        compiled = tuple(re2.compile(p) for p in self.settings.allowed_patterns)
        object.__setattr__(self, "_allowed", compiled)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule a finding may name: the engine's pattern rules and the structural ones
        (``detect.structural_rules``), less those the settings disable."""
        disabled = set(self.settings.disable_rules)
        return self.engine.rules + tuple(r for r in STRUCTURAL_RULES if r.id not in disabled)

    def scan(
        self, data: bytes, blob_id: BlobId, provenance: Provenance, *, resolve: bool = True
    ) -> list[Match]:
        """Every accepted match in ``data``, in order of position.

        Encoded runs (base64, hex, percent, escapes, JSON-in-strings) are decoded and scanned
        again, to ``settings.decode_depth`` levels; such a match is reported at the encoded
        run with its chain of decodings. ``resolve=False`` keeps overlapping hits of different
        rules (used by `rules check`, which asks whether one rule matches whatever others do).
        """
        keep = self._admissible_in(data, provenance.path)
        hits, cues = self.engine.scan(data)
        raw = [h for h in hits if keep(h)]
        plain = [_Found(h, data, (h.start, h.end), ()) for h in (resolve_overlaps(raw) if resolve else raw)]
        found = plain
        if self.settings.decode_depth > 0 and resolve:
            decoded = list(self._decoded(data, cues, self.settings.decode_depth, (), None, provenance.path))
            found = merge_decoded(plain, decoded)
        lines = LineIndex(data)
        return [self._match(f, data, lines, blob_id, provenance) for f in sorted(found, key=lambda f: (f.outer, f.hit.rule.id))]

    def _decoded(
        self,
        text: bytes,
        cues: frozenset[str],
        depth: int,
        chain: tuple[str, ...],
        outer: tuple[int, int] | None,
        path: str,
    ) -> Iterator[_Found]:
        for piece in decode_runs(text, cues=cues):
            where = outer or (piece.start, piece.end)
            steps = (*chain, piece.codec)
            keep = self._admissible_in(piece.data, path)
            hits, inner_cues = self.engine.scan(piece.data)
            for hit in resolve_overlaps(h for h in hits if keep(h)):
                yield _Found(hit, piece.data, where, steps)
            if depth > 1:
                yield from self._decoded(piece.data, inner_cues, depth - 1, steps, where, path)

    def _admissible_in(self, text: bytes, path: str) -> Callable[[RawHit], bool]:
        """A predicate over hits in ``text``: confidence floor, entropy floor, filters and the
        user's allowed values. It runs before overlaps are resolved, so a hit that would be
        rejected never hides another rule's valid hit on the same text."""

        def admissible(hit: RawHit) -> bool:
            rule = hit.rule
            if rule.confidence < self.settings.min_confidence:
                return False
            secret = hit.secret.decode("utf-8", errors="replace")
            if rule.min_entropy is not None and shannon(secret) < rule.min_entropy:
                return False
            first, last = line_bounds(text, hit.start)
            line_text = text[first:last].decode("utf-8", errors="replace")
            column = len(text[first : hit.start].decode("utf-8", errors="replace"))
            if rejecting_filter(Candidate(secret, rule, line_text, path, column)):
                return False
            return not self._user_allowed(secret)

        return admissible

    def _match(self, found: _Found, data: bytes, lines: LineIndex, blob_id: BlobId, provenance: Provenance) -> Match:
        hit = found.hit
        rule = hit.rule
        secret = hit.secret.decode("utf-8", errors="replace")
        entropy = shannon(secret)
        start, end = found.outer
        location = Location(
            blob_id=blob_id,
            provenance=provenance,
            span=lines.span(start, end),
            storage=Storage.PLAIN_FILE,
            decoding=found.chain,
            allowed=is_allowed(data, start, end),
        )
        return Match(
            rule_id=rule.id,
            fingerprint=fingerprint(identity_key(rule.id), hit.secret),
            secret_hash=secret_hash(hit.secret),
            preview=redact(secret),
            location=location,
            entropy=round(entropy, 3),
            length=len(secret),
            revealed=secret if self.settings.show_secrets else None,
            attributes=describe(secret),
            keyed_hash=self.keyed_hash(identity_key(rule.id), hit.secret),
            sha1=self.sha1(hit.secret),
        )

    def keyed_hash(self, rule_id: str, secret: bytes) -> str | None:
        """The baseline's keyed hash of this secret, when a baseline key is set (detect.digests)."""
        key = self.settings.baseline_key
        return digests.keyed_hash(key, rule_id, secret) if key is not None else None

    def sha1(self, secret: bytes) -> str | None:
        """The secret's SHA-1, only when a baseline holds entries imported from detect-secrets."""
        return digests.sha1_hex(secret) if self.settings.baseline_sha1 else None

    def _user_allowed(self, secret: str) -> bool:
        if secret in self.settings.allowed_values:
            return True
        return any(p.search(secret) for p in self._allowed)


@dataclass(frozen=True, slots=True)
class _Found:
    """A hit, the text it was found in, its span in the blob, and the decodings that led there."""

    hit: RawHit
    text: bytes
    outer: tuple[int, int]
    chain: tuple[str, ...]


def merge_decoded(plain: list[_Found], decoded: list[_Found]) -> list[_Found]:
    """Combine plain and decoded hits.

    A decoded hit whose secret is already visible in plain text inside the same encoded run
    is the same occurrence (an unescaped JSON string shows it again) and is dropped; found
    elsewhere, it is another location of that secret. Across decoding levels, a hit yields
    to a more confident rule's hit that overlaps it in the blob (a generic high-entropy hit on
    a base64 run yields to the token format found inside it).
    """
    fresh = [d for d in decoded if not any(_same_occurrence(p, d) for p in plain)]
    unique = list({(d.outer, d.chain, d.hit.rule.id, d.hit.secret): d for d in fresh}.values())
    if not unique:
        return plain
    combined = plain + unique
    return [f for f in combined if not any(_outranks(o, f) for o in combined if o is not f and (o.chain or f.chain))]


def _same_occurrence(p: _Found, d: _Found) -> bool:
    same = p.hit.rule.id == d.hit.rule.id and p.hit.secret == d.hit.secret
    return same and d.outer[0] <= p.outer[0] and p.outer[1] <= d.outer[1]


def _outranks(o: _Found, f: _Found) -> bool:
    """``o`` beats ``f`` when they overlap in the blob, come from different decodings, and
    ``o``'s rule is more confident, or it is the same rule and ``o`` is less decoded (the
    rule already covers that region as it stands)."""
    overlap = o.outer[0] < f.outer[1] and f.outer[0] < o.outer[1]
    if not overlap or o.chain == f.chain:
        return False
    mine, theirs = rank(o.hit.rule), rank(f.hit.rule)
    return mine < theirs or (o.hit.rule.id == f.hit.rule.id and len(o.chain) < len(f.chain))


def rank(rule: Rule) -> tuple[bool, int]:
    """Lower ranks first: a provider's own rule before a generic one (it names the provider
    and the format), then the more confident rule."""
    return (rule.id.startswith(GENERIC_PREFIX), -int(rule.confidence))


def resolve_overlaps(hits: Iterable[RawHit]) -> list[RawHit]:
    """Where captures overlap, keep the best-ranked hit, then the longest; order by position."""
    ranked = sorted(hits, key=lambda h: (rank(h.rule), -(h.end - h.start), h.rule.id))
    kept: list[RawHit] = []
    for hit in ranked:
        clash = any(hit.start < k.end and k.start < hit.end and _dominates(k, hit) for k in kept)
        if not clash:
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.rule.id))


def _dominates(kept: RawHit, other: RawHit) -> bool:
    """An overlapping hit is dropped unless it is the very same span from an equally ranked
    rule of another provider (two rules of one provider on one span are the same finding)."""
    if rank(kept.rule) < rank(other.rule):
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
