"""Baselines for the CI gate: a versioned file of secret identities the gate must not fail on.

``.secretscan-baseline.json``::

    {"version": 1, "kind": "secretscan-baseline", "created": "2024-05-01T12:00:00Z",
     "key_id": "3f0c9a...",            # only when keyed entries exist: which key made them
     "entries": [{"fingerprint": "...", "rule_id": "...", "keyed": false,
                  "reason": "...", "reviewer": "...", "expires": "2025-01-31",
                  "origin": "detect-secrets"}]}

What it holds, and what it never holds:

- An entry is a secret's identity, never where it was: no plaintext, no path, no line number.
  Moving code or files changes nothing, and the entries are sorted, so ``update`` on an
  unchanged repository writes the same bytes.
- For most secrets the identity is the finding's fingerprint (``ids.fingerprint``: a SHA-256
  of rule id and value). For password-like secrets (``PASSWORD_LIKE`` kinds) that fast,
  unsalted hash would let anyone holding the file test guesses of weak passwords offline, so
  the entry holds a keyed hash instead (``detect.digests.keyed_hash``, HMAC-SHA256 with a key
  kept outside the file) and says ``"keyed": true``. Without that key such entries cannot
  match: the scan says so loudly, and the secrets they cover count as new.
- Entries imported from a detect-secrets baseline (``origin: detect-secrets``) hold the SHA-1
  detect-secrets stored (token formats), or that SHA-1 bound to the key (every other type);
  they match a finding whose secret has that SHA-1, whatever rule found it.

An entry past its ``expires`` date no longer suppresses anything: the finding is new again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from secretscan.detect.digests import key_id, keyed_sha1
from secretscan.errors import SecretscanError
from secretscan.model import Finding, ScanResult, SecretKind, Status

FORMAT_VERSION = 1
KIND = "secretscan-baseline"
FILENAME = ".secretscan-baseline.json"
DETECT_SECRETS = "detect-secrets"
PASSWORD_LIKE = frozenset({SecretKind.PASSWORD, SecretKind.GENERIC, SecretKind.DATABASE_CREDENTIAL})
MAX_LISTED = 20  # entries named one by one in notes; past that, a count

_HEX = re.compile(r"[0-9a-f]{40,64}")
_ENTRY_KEYS = frozenset({"fingerprint", "rule_id", "keyed", "reason", "reviewer", "expires", "origin"})
_TOP_KEYS = frozenset({"version", "kind", "created", "key_id", "entries"})


class BaselineError(SecretscanError):
    """A baseline file that cannot be read, or a baseline that cannot be made as asked."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One baselined secret, by identity only."""

    fingerprint: str
    rule_id: str
    keyed: bool = False
    reason: str | None = None
    reviewer: str | None = None
    expires: date | None = None
    origin: str | None = None

    @property
    def imported(self) -> bool:
        return self.origin == DETECT_SECRETS

    @property
    def identity(self) -> tuple[str, bool, str]:
        return (self.origin or "", self.keyed, self.fingerprint)

    def expired(self, today: date) -> bool:
        """Valid through its ``expires`` day; past it, the entry no longer suppresses."""
        return self.expires is not None and today > self.expires

    def label(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.rule_id} {self.fingerprint[:12]}{why}"


@dataclass(frozen=True, slots=True)
class Baseline:
    created: str
    entries: tuple[Entry, ...] = ()
    key_id: str | None = None  # the key that made the keyed entries (detect.digests.key_id)

    @property
    def keyed(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.keyed)

    @property
    def has_imported(self) -> bool:
        return any(e.imported for e in self.entries)

    def normalized(self) -> Baseline:
        """Entries deduplicated and sorted, so equal baselines serialize to equal bytes."""
        unique = {e.identity: e for e in sorted(self.entries, key=_order, reverse=True)}
        entries = tuple(sorted(unique.values(), key=_order))
        return replace(self, entries=entries, key_id=self.key_id if any(e.keyed for e in entries) else None)


def _order(e: Entry) -> tuple[str, str, str, bool]:
    return (e.rule_id, e.fingerprint, e.origin or "", e.keyed)


# -- reading and writing ---------------------------------------------------------------------


def load(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from None
    return parse(text, str(path))


def parse(text: str, source: str) -> Baseline:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{source}: not a secretscan baseline (invalid JSON: {exc.msg}, line {exc.lineno})") from None
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise BaselineError(f"{source}: not a secretscan baseline (no \"kind\": \"{KIND}\")")
    _check_version(doc.get("version"), source)
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise BaselineError(f"{source}: unknown field(s) {', '.join(unknown)}")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        raise BaselineError(f"{source}: \"entries\" must be a list")
    parsed = tuple(_entry(item, f"{source}: entry {i + 1}") for i, item in enumerate(entries))
    return Baseline(_text(doc, "created", source) or "", parsed, _text(doc, "key_id", source))


def _check_version(version: object, source: str) -> None:
    if not isinstance(version, int) or isinstance(version, bool):
        raise BaselineError(f"{source}: \"version\" must be an integer")
    if version > FORMAT_VERSION:
        raise BaselineError(f"{source}: baseline version {version} is newer than this secretscan reads ({FORMAT_VERSION})")
    if version != FORMAT_VERSION:
        raise BaselineError(f"{source}: unsupported baseline version {version}")


def _entry(item: object, where: str) -> Entry:
    if not isinstance(item, dict):
        raise BaselineError(f"{where}: must be an object")
    unknown = sorted(set(item) - _ENTRY_KEYS)
    if unknown:
        raise BaselineError(f"{where}: unknown field(s) {', '.join(unknown)}")
    fp = item.get("fingerprint")
    if not isinstance(fp, str) or not _HEX.fullmatch(fp):
        raise BaselineError(f"{where}: \"fingerprint\" must be 40 to 64 lowercase hex digits")
    rule_id = _text(item, "rule_id", where)
    if not rule_id:
        raise BaselineError(f"{where}: \"rule_id\" is required")
    keyed = item.get("keyed", False)
    if not isinstance(keyed, bool):
        raise BaselineError(f"{where}: \"keyed\" must be true or false")
    return Entry(fp, rule_id, keyed, _text(item, "reason", where), _text(item, "reviewer", where),
                 _date(item, where), _text(item, "origin", where))


def _text(item: Mapping[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise BaselineError(f"{where}: \"{key}\" must be a string")
    return value


def _date(item: Mapping[str, Any], where: str) -> date | None:
    value = _text(item, "expires", where)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BaselineError(f"{where}: \"expires\" must be an ISO date (YYYY-MM-DD), not {value!r}") from None


def dumps(baseline: Baseline) -> str:
    """The file's text: fixed field order, sorted entries, one trailing newline."""
    b = baseline.normalized()
    doc: dict[str, Any] = {"version": FORMAT_VERSION, "kind": KIND, "created": b.created}
    if b.key_id:
        doc["key_id"] = b.key_id
    doc["entries"] = [entry_dict(e) for e in b.entries]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def entry_dict(e: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"fingerprint": e.fingerprint, "rule_id": e.rule_id, "keyed": e.keyed}
    optional = {"reason": e.reason, "reviewer": e.reviewer, "expires": e.expires and e.expires.isoformat(), "origin": e.origin}
    out.update({k: v for k, v in optional.items() if v is not None})
    return out


# -- making entries --------------------------------------------------------------------------


def entry_for(finding: Finding) -> Entry:
    """A new entry for a finding: its keyed hash when password-like, else its fingerprint."""
    if finding.kind not in PASSWORD_LIKE:
        return Entry(finding.fingerprint, finding.rule_id)
    if finding.keyed_hash is None:
        raise BaselineError(f"{finding.rule_id} is a password-like secret: baselining it needs a baseline key")
    return Entry(finding.keyed_hash, finding.rule_id, keyed=True)


def create_baseline(findings: Iterable[Finding], created: str, key: bytes | None) -> Baseline:
    """A baseline of every finding not already allowed inline."""
    entries = tuple(entry_for(f) for f in findings if f.status is not Status.ALLOWED)
    return Baseline(created, entries, key_id(key) if key is not None else None).normalized()


@dataclass(frozen=True, slots=True)
class UpdateSummary:
    kept: int
    added: int
    stale: tuple[Entry, ...]  # matched nothing: dropped when pruned, else kept
    pruned: bool


def update_baseline(old: Baseline, result: ScanResult, key: bytes | None, prune: bool) -> tuple[Baseline, UpdateSummary]:
    """Keep the entries that still match (with their reason, reviewer and expiry), add the
    findings no entry covers, and drop the entries that match nothing only when ``prune``."""
    matcher = require_key(old, key, "cannot update")
    used: set[Entry] = set()
    added: list[Entry] = []
    for finding in result.findings:
        hits = matcher.entries_for(finding)
        used.update(hits)
        if not hits and finding.status is not Status.ALLOWED:
            added.append(entry_for(finding))
    stale = tuple(e for e in old.normalized().entries if e not in used)
    kept = Baseline(old.created, tuple(e for e in old.entries if e in used or not prune)).normalized().entries
    key_label = old.key_id or (key_id(key) if key is not None else None)
    new = Baseline(old.created, kept + tuple(added), key_label).normalized()
    return new, UpdateSummary(len(kept), len(new.entries) - len(kept), stale, prune)


# -- matching --------------------------------------------------------------------------------


class Matcher:
    """Finds the entries that cover a finding, by each kind of digest an entry may hold."""

    def __init__(self, baseline: Baseline, key: bytes | None) -> None:
        self.baseline = baseline
        self.key = key
        self.key_label = key_id(key) if key is not None else None
        expected = baseline.key_id
        self.keyed_usable = key is not None and (expected is None or expected == self.key_label)
        self.index: dict[tuple[str, str], list[Entry]] = {}
        for e in baseline.entries:
            if e.keyed and not self.keyed_usable:
                continue
            kind = ("sha1-keyed" if e.keyed else "sha1") if e.imported else ("keyed" if e.keyed else "fingerprint")
            self.index.setdefault((kind, e.fingerprint), []).append(e)

    def entries_for(self, f: Finding) -> list[Entry]:
        wanted: list[tuple[str, str]] = [("fingerprint", f.fingerprint)]
        if f.keyed_hash is not None:
            wanted.append(("keyed", f.keyed_hash))
        if f.sha1 is not None:
            wanted.append(("sha1", f.sha1))
            if self.key is not None:
                wanted.append(("sha1-keyed", keyed_sha1(self.key, f.sha1)))
        return [e for w in wanted for e in self.index.get(w, ())]

    @property
    def unusable(self) -> tuple[Entry, ...]:
        return () if self.keyed_usable else self.baseline.keyed

    def key_problem(self) -> str:
        n = len(self.baseline.keyed)
        what = f"{n} keyed entr{'y' if n == 1 else 'ies'} (password-like secrets)"
        if self.key is None:
            return (f"the baseline has {what} but no baseline key is available: they cannot match. Provide the key "
                    "that made them (SECRETSCAN_BASELINE_KEY, e.g. from a CI secret, or --baseline-key-file)")
        return (f"the baseline's {what} were made with key id {self.baseline.key_id}, but the baseline key in use "
                f"has id {self.key_label}: they cannot match. Provide the key that made them")


def require_key(baseline: Baseline, key: bytes | None, doing: str) -> Matcher:
    """A matcher for ``baseline``; an error when its keyed entries cannot match with ``key``
    (changing a baseline then would mix keys or lose entries)."""
    matcher = Matcher(baseline, key)
    if baseline.keyed and not matcher.keyed_usable:
        raise BaselineError(f"{doing}: {matcher.key_problem()}")
    return matcher


def apply_baseline(
    result: ScanResult, baseline: Baseline, today: date, *, key: bytes | None = None, partial: bool = False
) -> ScanResult:
    """Mark findings covered by a live entry BASELINED, and note what the gate should know:
    keyed entries that cannot match (no key, wrong key), expired entries (their findings are
    new again), and entries that matched nothing (stale; not judged when ``partial``, a scan
    of only part of the content, such as the staged changes)."""
    matcher = Matcher(baseline, key)
    hits_of: dict[Entry, list[Finding]] = {}
    findings = []
    for f in result.findings:
        hits = matcher.entries_for(f)
        for e in hits:
            hits_of.setdefault(e, []).append(f)
        findings.append(_judged(f, hits, today))
    notes = _notes(baseline, matcher, hits_of, today, partial)
    return replace(result, findings=tuple(findings), notes=(*result.notes, *notes))


def _judged(f: Finding, hits: list[Entry], today: date) -> Finding:
    if f.status is Status.ALLOWED or not hits:
        return f
    live = any(not e.expired(today) for e in hits)
    return replace(f, status=Status.BASELINED) if live else f


def _notes(baseline: Baseline, matcher: Matcher, hits_of: dict[Entry, list[Finding]], today: date, partial: bool) -> list[str]:
    notes = [f"baseline: {matcher.key_problem()}; the secrets they cover are reported as new"] if matcher.unusable else []
    unusable = set(matcher.unusable)
    entries = [e for e in baseline.normalized().entries if e not in unusable]
    expired = [e for e in entries if e.expired(today)]
    notes += _listed([_expired_note(e, hits_of.get(e, []), partial) for e in expired])
    stale = [] if partial else [e for e in entries if e not in hits_of and not e.expired(today)]
    notes += _listed([f"baseline: entry {e.label()} matched nothing in this scan (stale): "
                      "`secretscan baseline update --prune` removes it" for e in stale])
    return notes


def _expired_note(e: Entry, found: list[Finding], partial: bool) -> str:
    head = f"baseline: entry {e.label()} expired on {e.expires}"
    if found:
        where = ", ".join(f"{f.first.provenance.path}:{f.first.span.line}" for f in found[:3])
        return f"{head}: it no longer suppresses {where}, reported as new again"
    return head if partial else f"{head} and matched nothing in this scan"


def _listed(notes: list[str]) -> list[str]:
    if len(notes) <= MAX_LISTED:
        return notes
    return [*notes[:MAX_LISTED], f"baseline: ... and {len(notes) - MAX_LISTED} more like the above"]
