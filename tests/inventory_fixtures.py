"""Inventory test data shared by inventory and report tests."""

from __future__ import annotations

import hashlib

from datetime import datetime, timezone

from secretscan.config import Settings
from secretscan.inventory.build import build_inventory, cert_status, is_test_path, service_of
from secretscan.inventory.records import ExposureState, SecretType
from secretscan.model import (
    BlobId,
    CommitInfo,
    Confidence,
    Finding,
    Fingerprint,
    Location,
    Provenance,
    RuleId,
    ScanResult,
    ScanStats,
    SecretKind,
    Severity,
    SourceKind,
    Span,
    Storage,
)
from helpers import make_rules

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
C1 = CommitInfo("a" * 40, "Ann", "ann@x.test", "2024-01-10T10:00:00+00:00", "add config")
C2 = CommitInfo("b" * 40, "Bob", "bob@x.test", "2025-03-01T10:00:00+00:00", "copy to billing")
C3 = CommitInfo("c" * 40, "Cy", "cy@x.test", "2025-09-01T10:00:00+00:00", "remove secrets")


def loc(path: str, commit: CommitInfo | None = None, in_tip: bool | None = None, removed: CommitInfo | None = None,
        storage: Storage = Storage.PLAIN_FILE) -> Location:
    kind = SourceKind.GIT if commit else SourceKind.FILE
    return Location(BlobId("0" * 40), Provenance(kind, path, commit, in_tip, removed), Span(0, 10, 3, 5, 3), storage)


def finding(rule_id: str, kind: SecretKind, *locations: Location, attrs: tuple = ()) -> Finding:
    return Finding(Fingerprint(hashlib.sha1(rule_id.encode()).hexdigest()), RuleId(rule_id), "r", kind, Severity.HIGH, Confidence.HIGH,
                   "pre…", "h", tuple(locations), attributes=attrs)


RULES = tuple(
    make_rules(
        {"id": "secretscan.acme.key", "kind": "api_key", "pattern": "(x)", "severity": "high", "confidence": "high"},
        {"id": "secretscan.generic.password-assignment", "kind": "password", "pattern": "(x)"},
        {"id": "secretscan.uri.postgres-password", "kind": "password", "pattern": "(x)"},
        {"id": "secretscan.aws.access-key", "kind": "cloud_iam", "pattern": "(x)"},
    )
)


def inventory(*findings: Finding, **settings: object):  # type: ignore[no-untyped-def]
    result = ScanResult(tuple(findings), (), ScanStats(), RULES)
    return build_inventory(result, Settings(**settings), NOW, history=True)  # type: ignore[arg-type]


