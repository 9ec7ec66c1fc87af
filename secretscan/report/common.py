"""Plain-data views of records shared by the machine-readable formats."""

from __future__ import annotations

from typing import Any

from secretscan.model import CommitInfo, Finding, Location


def location_dict(loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": loc.provenance.path,
        "line": loc.span.line,
        "column": loc.span.column,
        "end_line": loc.span.end_line,
        "source": loc.provenance.kind.value,
        "storage": loc.storage.value,
        "blob_id": loc.blob_id,
    }
    if loc.locator:
        out["locator"] = loc.locator
    if loc.key_path:
        out["key_path"] = loc.key_path
    if loc.decoding:
        out["decoding"] = list(loc.decoding)
    if loc.note:
        out["note"] = loc.note
    if loc.allowed:
        out["allowed"] = True
    commit = loc.provenance.commit
    if commit is not None:
        out["commit"] = commit_dict(commit)
    if loc.provenance.in_tip is not None:
        out["in_tip"] = loc.provenance.in_tip  # still at this path in the default branch's tip
    if loc.provenance.removed_in is not None:
        out["removed_in"] = commit_dict(loc.provenance.removed_in)
    return out


def commit_dict(commit: CommitInfo) -> dict[str, Any]:
    return {
        "sha": commit.sha,
        "author": commit.author,
        "email": commit.email,
        "date": commit.date,
        "summary": commit.summary,
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "kind": f.kind.value,
        "severity": f.severity.label,
        "confidence": f.confidence.label,
        "status": f.status.value,
        "preview": f.preview,
        "path": f.first.provenance.path,
        "line": f.first.span.line,
        "column": f.first.span.column,
        "locations": [location_dict(loc) for loc in f.locations],
    }
    if f.attributes:
        out["attributes"] = dict(f.attributes)
    if f.revealed is not None:
        out["secret"] = f.revealed
    return out
