"""Detection over one blob, with the structure-aware parsers (Kubernetes, Dockerfile, Spring,
.env, config files, source code) layered on the plain-text scan.

``analyze`` is the single entry point the pipeline calls per distinct blob; ``analysis_key``
says which parser a path selects, so that the pipeline scans a blob once per parser kind
(the same bytes at a `.env` path and a `.txt` path are read differently).

For a blob whose path a parser claims:

1. the plain-text scan runs as for any file;
2. each match is located in the innermost parser Value that holds it (its storage, locator,
   key path, note); a match inside a *safe* Value (SealedSecret data, SOPS ``ENC[...]``,
   ``{cipher}``, a Helm expression) is dropped; a match outside every Value gets the
   parser's default storage;
3. a Value with a decoding chain (a Secret's base64 ``data``, a registry ``auth``) has its
   decoded text scanned; matches are reported at the encoded value, with the chain;
4. a Value the structure marks as a secret that no rule matched, and that the value filters
   do not reject (placeholders, references, words, paths...), becomes a structural finding
   under the rule its storage (or the Value) names (``structural_rules``).

A Value's ``decoded`` with an empty ``decoding`` is only its logical text (YAML escapes, a
block scalar, joined string pieces): it is what a structural finding judges and hashes, and
is not scanned again (the plain-text scan already read the same characters).
A parser that cannot read a file leaves a note; the plain-text matches stand.
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from functools import lru_cache

from secretscan.detect.allow import is_allowed, line_bounds
from secretscan.detect.describe import describe
from secretscan.detect.entropy import shannon
from secretscan.detect.filters import Candidate, rejecting_filter
from secretscan.detect.identity import identity_key
from secretscan.detect.scanner import Detector, LineIndex
from secretscan.detect.structural_rules import STRUCTURAL_RULES, StructuralRule, structural_rule
from secretscan.ids import fingerprint, redact, secret_hash
from secretscan.model import Blob, Confidence, Location, Match, Provenance, Rule
from secretscan.sources.names import is_reference_value
from secretscan.sources.structured import Parsed, Value, parser_for

__all__ = ["STRUCTURAL_RULES", "Analysis", "analysis_key", "analyze"]


class Analysis(list[Match]):
    """The matches of one blob, and the notes its parser left (a list, so the pipeline can
    treat it as one; it pickles with its notes for worker processes)."""

    def __init__(self, matches: list[Match] | None = None, notes: tuple[str, ...] = ()) -> None:
        super().__init__(matches or ())
        self.notes = notes


@lru_cache(maxsize=1 << 16)
def analysis_key(path: str) -> str:
    """Which parser (if any) reads this path, and how (a parser with a ``variant`` reads some
    paths differently: Helm values or a manifest, a Spring profile from the file name); ''
    for plain text. The same content under two keys is analysed twice. Cached: a history
    asks for the same paths once per version of each file, in every worker."""
    parser = parser_for(path)
    if parser is None:
        return ""
    variant = getattr(parser, "variant", None)
    return f"{parser.name}:{variant(path)}" if callable(variant) else parser.name


def analyze(detector: Detector, blob: Blob, provenance: Provenance) -> list[Match]:
    matches = detector.scan(blob.data, blob.id, provenance)
    parser = parser_for(provenance.path)
    if parser is None:
        return matches
    # With no plain-text match to locate, a parser may read only what its structure alone can
    # report (``parse_structure``: the same values of that kind and the same notes, faster).
    read = parser.parse if matches else getattr(parser, "parse_structure", parser.parse)
    try:
        parsed = read(blob.data, provenance.path)
    except Exception as exc:  # noqa: BLE001 - hostile content must not stop a scan; the note says so
        note = f"{provenance.path}: {parser.name} parser gave up ({type(exc).__name__}): scanned as plain text"
        return Analysis(matches, (note,))
    notes = tuple(f"{provenance.path}: {n}" for n in parsed.notes)
    if not parsed.values:
        return Analysis([_locate(m, None, parsed) for m in matches], notes)
    return Analysis(_Blob(detector, blob, provenance, parsed).run(matches), notes)


class _Blob:
    """One blob's parsed values and the matches found in and for them."""

    def __init__(self, detector: Detector, blob: Blob, provenance: Provenance, parsed: Parsed) -> None:
        self.detector = detector
        self.blob = blob
        self.provenance = provenance
        self.parsed = parsed
        self.values = sorted(parsed.values, key=lambda v: (v.start, -v.end))
        self.starts = [v.start for v in self.values]
        self.lines = LineIndex(blob.data)
        self.rule_matched: set[int] = set()  # ids of decoded Values some rule matched
        self.reported: set[int] = set()  # ids of Values with a decoded or structural match
        self.digests: dict[int, str] = {}  # id of a Value -> hash of its decoded text

    def run(self, plain: list[Match]) -> list[Match]:
        out = []
        encoded_form: list[tuple[Match, Value]] = []
        for match in plain:
            value = self.innermost(match)
            if value is not None and value.safe:
                continue
            if value is not None and value.decoding and not match.location.decoding:
                encoded_form.append((match, value))  # a rule matched the base64 text itself
                continue
            out.append(_locate(match, value, self.parsed))
        out += self.decoded(out)
        out += self.structural(out)
        # A rule that matched the encoded text itself (a base64 string after ``password:``) saw the
        # encoding, not the secret: it stands only where the decoded value was neither reported
        # nor judged (a Secret's value is judged: a rejected one was a placeholder).
        out += [
            _locate(m, v, self.parsed) for m, v in encoded_form if id(v) not in self.reported and not v.secret_by_name
        ]
        return sorted(out, key=lambda m: (m.location.span.start, m.location.span.end, m.rule_id))

    def innermost(self, match: Match) -> Value | None:
        """The smallest Value holding the match; among equals (several values decoded from one
        encoded string), the one whose decoded text is the match's secret, else one marked secret."""
        start, end = match.location.span.start, match.location.span.end
        best: Value | None = None
        for value in self.values[: bisect.bisect_right(self.starts, start)]:
            if value.end < end:
                continue
            if best is None or self._narrower(value, best, match):
                best = value
        return best

    def _narrower(self, value: Value, best: Value, match: Match) -> bool:
        size, best_size = value.end - value.start, best.end - best.start
        if size != best_size:
            return size < best_size
        mine, theirs = self._is_secret_of(value, match), self._is_secret_of(best, match)
        if mine != theirs:
            return mine
        return value.secret_by_name and not best.secret_by_name

    def _is_secret_of(self, value: Value, match: Match) -> bool:
        """Whether ``match`` found exactly the secret this value decodes to."""
        if value.decoded is None:
            return False
        digest = self.digests.get(id(value))
        if digest is None:
            digest = self.digests[id(value)] = secret_hash(value.decoded)
        return digest == match.secret_hash

    def decoded(self, found: list[Match]) -> list[Match]:
        out: list[Match] = []
        ordered = sorted(
            (v for v in self.values if v.decoding and v.decoded is not None and not v.safe),
            key=lambda v: -len(v.decoding),
        )
        for value in ordered:
            assert value.decoded is not None
            for match in self.detector.scan(value.decoded, self.blob.id, self.provenance):
                self.rule_matched.add(id(value))
                self.reported.add(id(value))
                if any(_same_secret(match, seen, value) for seen in (*found, *out)):
                    continue
                target = next((v for v in self.values if _same_span(v, value) and self._is_secret_of(v, match)), value)
                self.reported.add(id(target))
                out.append(self._at_value(match, target))
        return out

    def _at_value(self, match: Match, value: Value) -> Match:
        location = replace(
            match.location,
            span=self.lines.span(value.start, value.end),
            storage=value.storage,
            locator=value.locator,
            key_path=value.key_path or None,
            note=value.note,
            decoding=(*value.decoding, *match.location.decoding),
            allowed=is_allowed(self.blob.data, value.start, value.end),
        )
        return replace(match, location=location)

    def structural(self, found: list[Match]) -> list[Match]:
        settings = self.detector.settings
        out = []
        for value in self.values:
            if not value.secret_by_name or value.safe:
                continue
            chosen = structural_rule(value.storage, value.rule)
            rule = chosen.rule
            if rule.id in settings.disable_rules or rule.confidence < settings.min_confidence:
                continue
            if self._matched(value, found):
                continue
            match = self._structural_match(value, chosen)
            if match is not None:
                out.append(match)
                self.reported.add(id(value))
        return out

    def _matched(self, value: Value, found: list[Match]) -> bool:
        """Whether a rule already reports this value."""
        if value.decoding:
            return id(value) in self.rule_matched or any(self._is_secret_of(value, m) for m in found)
        return any(m.location.span.start < value.end and value.start < m.location.span.end for m in found)

    def _structural_match(self, value: Value, chosen: StructuralRule) -> Match | None:
        data = self.blob.data
        secret_bytes = value.decoded if value.decoded is not None else data[value.start : value.end]
        secret_bytes = secret_bytes.strip()  # a trailing newline is not part of a Secret's value
        secret = secret_bytes.decode("utf-8", "replace")
        if not secret.strip():
            return None
        if chosen.filtered and self._rejected(secret, chosen.rule, value):
            return None
        if self.detector._user_allowed(secret):  # noqa: SLF001 - the detector's own allow-list
            return None
        location = Location(
            blob_id=self.blob.id,
            provenance=self.provenance,
            span=self.lines.span(value.start, value.end),
            storage=value.storage,
            locator=value.locator,
            decoding=value.decoding,
            note=value.note,
            allowed=is_allowed(data, value.start, value.end),
            key_path=value.key_path or None,
        )
        show = self.detector.settings.show_secrets
        return Match(
            rule_id=chosen.rule.id,
            fingerprint=fingerprint(identity_key(chosen.rule.id), secret_bytes),
            secret_hash=secret_hash(secret_bytes),
            preview=redact(secret),
            location=location,
            entropy=round(shannon(secret), 3),
            length=len(secret),
            revealed=secret if show else None,
            attributes=describe(secret),
            keyed_hash=self.detector.keyed_hash(identity_key(chosen.rule.id), secret_bytes),
            sha1=self.detector.sha1(secret_bytes),
        )

    def _rejected(self, secret: str, rule: Rule, value: Value) -> bool:
        """The value filters, plus what a name alone cannot vouch for: very short values, prose,
        pointers to a secret store."""
        first, last = line_bounds(self.blob.data, value.start)
        line = self.blob.data[first:last].decode("utf-8", "replace")
        column = len(self.blob.data[first : value.start].decode("utf-8", "replace"))
        if rejecting_filter(Candidate(secret, rule, line, self.provenance.path, column)):
            return True
        if is_reference_value(secret):
            return True
        if rule.confidence >= Confidence.HIGH:
            return False
        prose = len(secret.split()) >= 4 and "-----BEGIN" not in secret
        return len(secret) < 4 or prose or _names_itself(secret, value.key)


def _names_itself(secret: str, key: str) -> bool:
    """``DB_PASSWORD: db_password``, ``password: PASSWORD``: the value names its key."""

    def norm(s: str) -> str:
        return "".join(c for c in s.lower() if c.isalnum())

    return bool(key) and norm(secret) == norm(key)


def _same_span(a: Value, b: Value) -> bool:
    return (a.start, a.end) == (b.start, b.end)


def _same_secret(match: Match, seen: Match, value: Value) -> bool:
    """The same secret already reported inside this value (the plain scan decodes base64 too)."""
    span = seen.location.span
    return seen.fingerprint == match.fingerprint and span.start < value.end and value.start < span.end


def _locate(match: Match, value: Value | None, parsed: Parsed) -> Match:
    if value is None:
        return replace(match, location=replace(match.location, storage=parsed.default_storage))
    location = replace(
        match.location,
        storage=value.storage,
        locator=value.locator,
        key_path=value.key_path or None,
        note=value.note,
    )
    return replace(match, location=location)
