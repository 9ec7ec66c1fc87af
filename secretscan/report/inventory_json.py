"""Inventory as versioned JSON: the remediation planner's input."""

from __future__ import annotations

import json
from typing import Any

from secretscan import __version__
from secretscan.inventory.records import Inventory, InventoryItem
from secretscan.inventory.summary import summarize
from secretscan.model import CommitInfo
from secretscan.report.common import location_dict

INVENTORY_VERSION = 1


def commit_dict(c: CommitInfo | None) -> dict[str, str] | None:
    if c is None:
        return None
    return {"sha": c.sha, "author": c.author, "email": c.email, "date": c.date, "summary": c.summary}


def item_dict(i: InventoryItem) -> dict[str, Any]:
    return {
        "fingerprint": i.fingerprint,
        "rule_id": i.rule_id,
        "rule_name": i.rule_name,
        "provider": i.provider,
        "type": i.type.value,
        "kind": i.kind.value,
        "severity": i.severity.label,
        "confidence": i.confidence.label,
        "preview": i.preview,
        "status": i.status.value,
        "risk": {"level": i.risk.level.label, "score": i.risk.score, "reasons": list(i.risk.reasons)},
        "exposure": {
            "state": i.exposure.state.value,
            "label": i.exposure.label,
            "removed_in": commit_dict(i.exposure.removed_in),
        },
        "first_seen": commit_dict(i.first_seen),
        "commits": i.commits,
        "paths": list(i.paths),
        "services": list(i.services),
        "shared": i.shared,
        "storages": [s.value for s in i.storages],
        "dynamic_eligible": i.dynamic_eligible,
        "rotation_days": i.rotation_days,
        "age_days": i.age_days,
        "overdue": i.overdue,
        "attributes": dict(i.attributes),
        "locations": [location_dict(loc) for loc in i.locations],
    }


def document(inv: Inventory) -> dict[str, Any]:
    s = summarize(inv)
    return {
        "version": INVENTORY_VERSION,
        "kind": "secretscan-inventory",
        "tool": {"name": "secretscan", "version": __version__},
        "generated_at": inv.generated_at,
        "history": inv.history,
        "summary": {
            "total": s.total,
            "by_type": dict(s.by_type),
            "by_risk": dict(s.by_risk),
            "in_tip": s.in_tip,
            "history_only": s.history_only,
            "shared": s.shared,
            "overdue": [i.fingerprint for i in s.overdue],
            "within_interval_share": s.within_interval_share,
            "certificates": dict(s.certificates),
            "actions": list(s.actions),
        },
        "secret_inventory": [
            {
                "type": g.type.value,
                "count": g.count,
                "current_storage": list(g.current_storage),
                "risk_level": g.risk_level.label,
                "dynamic_eligible": g.dynamic_eligible,
            }
            for g in s.groups
        ],
        "items": [item_dict(i) for i in inv.items],
        "certificates": [
            {
                "fingerprint": c.fingerprint,
                "subject_cn": c.subject_cn,
                "sans": list(c.sans),
                "issuer_cn": c.issuer_cn,
                "not_after": c.not_after,
                "status": c.status,
                "paths": list(c.paths),
                "has_private_key": c.has_private_key,
            }
            for c in inv.certificates
        ],
        "keys": [
            {
                "fingerprint": k.fingerprint,
                "algorithm": k.algorithm,
                "size": k.size,
                "encrypted": k.encrypted,
                "paths": list(k.paths),
                "pairs_with_certificate": k.pairs_with_certificate,
            }
            for k in inv.keys
        ],
    }


def render(inv: Inventory) -> str:
    return json.dumps(document(inv), indent=2, ensure_ascii=False) + "\n"
