"""JSON report, a versioned document."""

from __future__ import annotations

import json
from typing import Any

from secretscan import __version__
from secretscan.model import ScanResult, Status
from secretscan.report.common import finding_dict

SCHEMA_VERSION = 1


def document(result: ScanResult) -> dict[str, Any]:
    stats = result.stats
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "secretscan", "version": __version__},
        "summary": {
            "findings": len(result.active),
            "allowed": sum(1 for f in result.findings if f.status is Status.ALLOWED),
            "baselined": sum(1 for f in result.findings if f.status is Status.BASELINED),
            "skipped": len(result.skipped),
            "blobs_scanned": stats.blobs_scanned,
            "bytes_scanned": stats.bytes_scanned,
            "blobs_deduplicated": stats.blobs_deduplicated,
            "seconds": round(stats.seconds, 3),
            "rules": stats.rules,
        },
        "findings": [finding_dict(f) for f in result.findings],
        "skipped": [
            {"path": s.path, "reason": s.reason, **({"blob_id": s.blob_id} if s.blob_id else {})}
            for s in result.skipped
        ],
        "notes": list(result.notes),
    }


def render(result: ScanResult) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
