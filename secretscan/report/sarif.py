"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from secretscan import __version__
from secretscan.model import Finding, Location, Rule, ScanResult, Severity, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub maps security-severity to critical (>= 9), high (7-8.9), medium (4-6.9), low.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


def document(result: ScanResult) -> dict[str, Any]:
    used = {f.rule_id for f in result.findings}
    rules = [r for r in result.rules if r.id in used]
    index = {r.id: i for i, r in enumerate(rules)}
    results = [
        _result(f, loc, index)
        for f in result.findings
        for loc in f.locations
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "secretscan",
                "semanticVersion": __version__,
                "informationUri": "https://github.com/secretscan/secretscan",
                "rules": [_rule(r) for r in rules],
            }
        },
        "originalUriBaseIds": {"SRCROOT": {"description": {"text": "The scanned root"}}},
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if result.skipped or result.notes:
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": f"skipped {s.path}: {s.reason}"}}
                    for s in result.skipped
                ]
                + [{"level": "warning", "message": {"text": note}} for note in result.notes],  # e.g. baseline warnings
            }
        ]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result: ScanResult) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"


def _rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rule.id,
        "name": _pascal(rule.id),
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": rule.description or f"{rule.name} ({rule.provider})"},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["security", "secret", rule.kind.value],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
            "precision": {3: "high", 2: "medium", 1: "low"}[int(rule.confidence)],
        },
    }
    if rule.references:
        out["helpUri"] = rule.references[0]
    return out


def _result(f: Finding, loc: Location, index: dict[str, int]) -> dict[str, Any]:
    region = {"startLine": loc.span.line, "startColumn": loc.span.column, "endLine": loc.span.end_line}
    where = f" ({loc.locator})" if loc.locator else ""
    text = f"{f.rule_name} found: {f.preview}{where}"
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": loc.provenance.path, "uriBaseId": "SRCROOT"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"secretscan/v1": _partial(f, loc)},
        "properties": {
            "fingerprint": f.fingerprint,
            "kind": f.kind.value,
            "confidence": f.confidence.label,
            "storage": loc.storage.value,
        },
    }
    if f.rule_id in index:
        out["ruleIndex"] = index[f.rule_id]
    if f.status is not Status.NEW:
        out["suppressions"] = [{"kind": "inSource" if f.status is Status.ALLOWED else "external"}]
    if loc.provenance.commit is not None:
        out["properties"]["commit"] = loc.provenance.commit.sha
    if loc.decoding:
        out["properties"]["decoding"] = list(loc.decoding)
    if f.attributes:
        out["properties"]["attributes"] = dict(f.attributes)
    return out


def _partial(f: Finding, loc: Location) -> str:
    """One alert per secret and path, stable when lines move."""
    return hashlib.sha256(f"{f.fingerprint}:{loc.provenance.path}".encode()).hexdigest()[:32]


def _pascal(rule_id: str) -> str:
    parts = rule_id.replace("-", ".").replace("_", ".").split(".")
    return "".join(p[:1].upper() + p[1:] for p in parts if p)
