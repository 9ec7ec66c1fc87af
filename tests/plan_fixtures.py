"""Inventory documents (the versioned inventory JSON the planner reads) built by hand, and a
helper that writes a whole plan to a folder, for the remediation tests."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from secretscan.remediation.build import Plan, make_plan
from secretscan.remediation.model import PlanOptions


def fp(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()


def loc(
    path: str,
    line: int = 1,
    storage: str = "plain-file",
    locator: str | None = None,
    blob: str | None = None,
    in_tip: bool | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": path,
        "line": line,
        "column": 1,
        "end_line": line,
        "source": "file",
        "storage": storage,
        "blob_id": blob or fp(f"blob:{path}:{line}"),
    }
    if locator:
        out["locator"] = locator
    if in_tip is not None:
        out["source"] = "git"
        out["in_tip"] = in_tip
    return out


def item(
    seed: str,
    rule_id: str,
    kind: str,
    *locations: dict[str, Any],
    provider: str = "Test",
    status: str = "new",
    risk: str = "high",
    confidence: str = "high",
    rotation_days: int = 90,
    history_only: bool = False,
) -> dict[str, Any]:
    return {
        "fingerprint": fp(seed),
        "rule_id": rule_id,
        "rule_name": rule_id,
        "provider": provider,
        "type": kind,
        "kind": "generic",
        "severity": "high",
        "confidence": confidence,
        "preview": "ab…yz",
        "status": status,
        "risk": {"level": risk, "score": 2.0, "reasons": ["+1 test"]},
        "exposure": {"state": "history_only" if history_only else "in_tip", "label": "", "removed_in": None},
        "first_seen": None,
        "commits": 0,
        "paths": list(dict.fromkeys(loc["path"] for loc in locations)),
        "services": [],
        "shared": False,
        "storages": list(dict.fromkeys(loc["storage"] for loc in locations)),
        "dynamic_eligible": kind in ("database_credentials", "cloud_iam"),
        "rotation_days": rotation_days,
        "age_days": None,
        "overdue": None,
        "attributes": {},
        "locations": list(locations),
    }


def inventory(*items: dict[str, Any], history: bool = False) -> dict[str, Any]:
    return {
        "version": 1,
        "kind": "secretscan-inventory",
        "tool": {"name": "secretscan", "version": "test"},
        "generated_at": "2026-06-01T00:00:00Z",
        "history": history,
        "summary": {},
        "secret_inventory": [],
        "items": list(items),
        "certificates": [],
        "keys": [],
    }


def write(plan: Plan, folder: Path) -> Path:
    from secretscan.cli.plan_cmd import write_plan

    write_plan(plan, folder)
    return folder


def plan_in(folder: Path, doc: dict[str, Any], options: PlanOptions) -> tuple[Plan, Path]:
    plan = make_plan(doc, options)
    return plan, write(plan, folder)


# Two services in Kubernetes, one Postgres URL (dynamic), one AWS key pair (dynamic on Vault).
GITHUB = item(
    "api-github",
    "secretscan.github.pat",
    "service_tokens",
    loc("deploy/api.yaml", 20, "kubernetes-env-literal", "Deployment/prod/api container=api env=GITHUB_TOKEN"),
    provider="GitHub",
)
STRIPE = item(
    "billing-stripe",
    "secretscan.stripe.secret-key",
    "api_keys",
    loc("deploy/billing.yaml", 12, "kubernetes-secret", "Secret/payments/billing key=stripe-key"),
    provider="Stripe",
    rotation_days=180,
)
PG_URL = item(
    "billing-db",
    "secretscan.uri.postgres-password",
    "database_credentials",
    loc(
        "deploy/billing.yaml",
        30,
        "kubernetes-env-literal",
        "Deployment/payments/billing container=app env=DATABASE_URL",
    ),
    rotation_days=30,
)
SHARED = item(
    "shared-smtp",
    "secretscan.generic.password-assignment",
    "passwords",
    loc("deploy/api.yaml", 25, "kubernetes-env-literal", "Deployment/prod/api container=api env=SMTP_PASSWORD"),
    loc(
        "deploy/billing.yaml",
        40,
        "kubernetes-env-literal",
        "Deployment/payments/billing container=app env=SMTP_PASSWORD",
    ),
    risk="medium",
)
OLD_TOKEN = item(
    "old-token",
    "secretscan.github.pat",
    "service_tokens",
    loc("scripts/ci.sh", 3, in_tip=False),
    provider="GitHub",
    history_only=True,
)
ALLOWED = item(
    "allowed", "secretscan.generic.password-assignment", "passwords", loc("tests/test_x.py", 4), status="allowed"
)
