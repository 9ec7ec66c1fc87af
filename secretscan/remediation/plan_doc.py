"""The plan as a document: plan.json (versioned; schema secretscan/schemas/plan-v1.json), its
ordered steps, and README.md, the step-by-step plan a platform engineer follows.

Steps: prepare the platform, then one step per secret (highest risk first: rotate, store, switch
consumers, remove from the repository, revoke and verify), then purge history and verify.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from secretscan import __version__
from secretscan.remediation import design
from secretscan.remediation.commands import store_commands
from secretscan.remediation.model import Artefact, Backend, PlanContext, PlannedSecret, Step, Target
from secretscan.remediation.purge import purge_commands, push_commands
from secretscan.remediation.runbooks import playbook_for
from secretscan.remediation.vault import CLOUD_ENGINES, audit_command, cloud_commands
from secretscan.remediation.vault_database import commands as db_commands
from secretscan.remediation.vault_database import db_roles

PLAN_VERSION = 1
# Artefacts that concern every secret: listed once in the plan, not under each secret's step.
_BROAD = frozenset(
    {
        "runbook-index",
        "vault-kv-layout",
        "snippet-index",
        "purge-guide",
        "purge-paths",
        "purge-blob-ids",
        "purge-fingerprints",
        "purge-script",
        "purge-replace-template",
        "purge-fill-script",
        "sops-config",
        "sops-encrypt",
    }
)  # the SOPS route is an alternative, described once
_KUBECTL_APPLY = ("external-secret", "secret-generator")


def document(
    ctx: PlanContext,
    artefacts: Sequence[Artefact],
    steps: Sequence[Step],
    *,
    detected_target: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    options, secrets, inv = ctx.options, ctx.secrets, ctx.inventory
    moment = (now or datetime.now(tz=timezone.utc)).isoformat().replace("+00:00", "Z")
    return {
        "version": PLAN_VERSION,
        "kind": "secretscan-plan",
        "tool": {"name": "secretscan", "version": __version__},
        "generated_at": moment,
        "inventory": {
            "generated_at": inv.get("generated_at"),
            "history": bool(inv.get("history", False)),
            "items": len(inv.get("items", ())),
            "planned": len(secrets),
            "excluded": [
                {"fingerprint": i["fingerprint"], "reason": "inline allow comment"}
                for i in inv.get("items", ())
                if i.get("status") == "allowed"
            ],
        },
        "options": {
            "backend": options.backend.value,
            "target": options.target.value,
            "target_detected": detected_target,
            "rotation": options.rotation.value if options.rotation else "per-type",
            "platform": options.platform,
            "cloud": options.cloud,
            "compliance": list(options.compliance),
            "environment": options.environment,
        },
        "secret_inventory": design.secret_inventory(secrets),
        "platform_recommendation": design.platform_recommendation(secrets, options),
        "dynamic_secret_design": design.dynamic_secret_design(secrets, options),
        "access_policy": design.access_policy(secrets, options),
        "rotation_schedule": design.rotation_schedule(secrets, options),
        "compliance": design.compliance(options),
        "secrets": [secret_dict(s) for s in secrets],
        "steps": [step_dict(s) for s in steps],
        "artefacts": [
            {"path": a.path, "kind": a.kind, "description": a.description, "fingerprints": list(a.fingerprints)}
            for a in artefacts
        ],
        "confidence": design.confidence(secrets, options, inv, detected_target),
    }


def secret_dict(s: PlannedSecret) -> dict[str, Any]:
    return {
        "fingerprint": s.fingerprint,
        "type": s.type,
        "provider": s.provider,
        "rule_id": s.rule_id,
        "preview": s.preview,
        "risk_level": s.risk_level,
        "exposure": s.exposure,
        "service": s.service,
        "consumers": list(s.consumers),
        "namespace": s.namespace,
        "name": s.name,
        "env_var": s.env_var,
        "backend_path": s.backend_path,
        "backend_key": s.backend_key,
        "rotation": s.rotation.value,
        "rotation_days": s.rotation_days,
        "dynamic": s.dynamic,
        "engine": s.engine,
        "dynamic_path": s.dynamic_path,
        "storages": list(s.storages),
        "locations": [_location(loc) for loc in s.locations],
        "runbook": f"runbooks/{playbook_for(s)[0]}.md",
        "notes": list(s.notes),
    }


def _location(loc: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("path", "line", "storage", "locator", "blob_id", "in_tip")
    return {k: loc[k] for k in keep if k in loc}


def step_dict(s: Step) -> dict[str, Any]:
    return {
        "order": s.order,
        "phase": s.phase,
        "title": s.title,
        "detail": s.detail,
        "fingerprint": s.fingerprint,
        "commands": list(s.commands),
        "artefacts": list(s.artefacts),
    }


# ---- steps -------------------------------------------------------------------------------


def build_steps(ctx: PlanContext, artefacts: Sequence[Artefact]) -> tuple[Step, ...]:
    drafts: list[Step] = [*prepare_steps(ctx, artefacts)]
    drafts += [secret_step(s, ctx, artefacts) for s in ctx.secrets]
    drafts += closing_steps(ctx, artefacts)
    return tuple(
        Step(i, d.title, d.detail, d.fingerprint, d.commands, d.artefacts, d.phase) for i, d in enumerate(drafts, 1)
    )


def _paths(artefacts: Sequence[Artefact], *kinds: str, prefix: str = "") -> tuple[str, ...]:
    return tuple(a.path for a in artefacts if (a.kind in kinds or (prefix and a.path.startswith(prefix))))


def prepare_steps(ctx: PlanContext, artefacts: Sequence[Artefact]) -> list[Step]:
    options = ctx.options
    out = [
        Step(
            0,
            "Name an owner for every service and read the runbooks",
            "Each service's owner approves its rotations (runbooks/README.md maps every secret to its runbook and interval). "
            "Rotate before anything else where abuse is suspected: see each runbook's step 2.",
            artefacts=_paths(artefacts, "runbook-index"),
            phase="prepare",
        ),
    ]
    if options.backend is Backend.VAULT:
        out.append(
            Step(
                0,
                "Configure Vault: audit device, KV v2 mount, policies, auth roles, break-glass",
                "Enable the audit device first (OpenBao: put vault/audit.hcl into the server configuration and reload; Vault: "
                f"`{audit_command()}`), then run vault/apply.sh with an admin token. It writes one read-only policy per service, "
                "binds each service's identity to it, and records each secret's rotation interval as KV metadata. "
                "Review vault/kv-layout.json: one path per secret under secret/data/<env>/<service>/<name>.",
                commands=("vault/apply.sh",),
                artefacts=_paths(
                    artefacts,
                    "vault-apply-script",
                    "vault-audit",
                    "vault-kv-layout",
                    "vault-policy",
                    "vault-token-role",
                    "vault-kubernetes-role",
                    "vault-approle-role",
                ),
                phase="prepare",
            )
        )
    else:
        out.append(
            Step(
                0,
                f"Prepare {options.backend.value}: names, access scoping, rotation",
                "Create one identity per service with access to exactly its own secrets (the cloud artefacts of this plan), enable "
                "data-access audit logging for secret reads.",
                artefacts=_paths(artefacts, prefix="cloud/"),
                phase="prepare",
            )
        )
    stores = _paths(artefacts, "secret-store", "cluster-secret-store")
    if options.target is Target.KUBERNETES:
        per_service = [p for p in stores if "cluster-secret-store" not in p]
        out.append(
            Step(
                0,
                "Install External Secrets Operator and the secret stores",
                "Install the operator (its Helm chart, version pinned) and apply one SecretStore per service and namespace: each "
                "authenticates to the backend as that service only (the ClusterSecretStore is a broader alternative, not applied here).",
                commands=tuple(f"kubectl apply -f {p}" for p in per_service),
                artefacts=stores,
                phase="prepare",
            )
        )
    return out


def secret_step(s: PlannedSecret, ctx: PlanContext, artefacts: Sequence[Artefact]) -> Step:
    runbook = f"runbooks/{playbook_for(s)[0]}.md"
    mine = tuple(a for a in artefacts if s.fingerprint in a.fingerprints and a.kind not in _BROAD)
    where = "; ".join(_where(loc) for loc in s.locations)
    title = f"{s.service}: {s.env_var} ({s.type}, {s.risk_level} risk)"
    if s.exposure == "history_only":
        detail = (
            f"Only in history ({where}): no current consumer. Rotate it (the value still works wherever it was copied): "
            f"follow {runbook}, revoke the old value and verify it is dead. The purge steps remove it from history."
        )
        return Step(0, title, detail, s.fingerprint, (), (runbook,), "migrate")
    detail = "\n".join(
        [
            f"1. Rotate: issue the new value per {runbook} (keep the old one valid until step 4).",
            f"2. {_store_text(s, ctx)}",
            f"3. Switch consumers: {_consumer_text(s, ctx, mine)}",
            f"4. Remove the value from the repository ({where}), commit, then revoke the old value and verify it is dead ({runbook}, steps 6-7).",
            *[f"- Note: {n}." for n in s.notes],
        ]
    )
    cmds = (*_value_commands(s, ctx), *[f"kubectl apply -f {a.path}" for a in mine if a.kind in _KUBECTL_APPLY])
    return Step(
        0, title, detail, s.fingerprint, cmds, (runbook, *[a.path for a in mine if a.path != runbook]), "migrate"
    )


def _where(loc: Mapping[str, Any]) -> str:
    text = f"{loc.get('path')}:{loc.get('line')}"
    return f"{text} [{loc['locator']}]" if loc.get("locator") else text


def _store_text(s: PlannedSecret, ctx: PlanContext) -> str:
    if s.dynamic and s.engine in CLOUD_ENGINES:
        return f"Configure Vault's {s.engine} engine; the service reads short-lived credentials from {s.dynamic_path} instead of a key."
    if s.dynamic:
        return (
            f"Configure Vault's database engine for it (setup SQL as the DB owner, connection, dynamic role, static role); the service "
            f"reads {s.dynamic_path} (username and password per lease) instead of a fixed password."
        )
    target = s.backend_path if not s.backend_key else f"{s.backend_path} (key {s.backend_key})"
    return f"Store the new value at {target}, from a prompt or a file (bin/stdin-secret.sh), never as an argument."


def _consumer_text(s: PlannedSecret, ctx: PlanContext, mine: Sequence[Artefact]) -> str:
    listed = (
        ", ".join(a.path for a in mine if not a.kind.startswith(("vault-", "runbook"))) or "the snippets in snippets/"
    )
    how = {
        Target.KUBERNETES: f"the workload reads {s.env_var} from the Kubernetes Secret that External Secrets syncs ({listed}); roll it out",
        Target.CICD: f"the pipeline fetches {s.env_var} at job time with its OIDC identity ({listed})",
        Target.APPLICATION: f"the service reads {s.env_var} from the backend at start-up ({listed})",
    }[ctx.options.target]
    return how + "."


def _value_commands(s: PlannedSecret, ctx: PlanContext) -> tuple[str, ...]:
    if not s.dynamic:
        return store_commands(s, ctx.options)
    if s.engine in CLOUD_ENGINES:
        return cloud_commands(s, ctx.options)
    roles = db_roles(s, ctx.options)
    if len(roles) == 1:
        return db_commands(roles[0])
    return tuple(
        c for r in roles for c in (f"# {r.flavour} variant: apply only if the database is {r.flavour}", *db_commands(r))
    )


def closing_steps(ctx: PlanContext, artefacts: Sequence[Artefact]) -> list[Step]:
    purge = _paths(artefacts, "purge-guide", "purge-script", "purge-paths", "purge-blob-ids", "purge-fingerprints")
    return [
        Step(
            0,
            "Purge the secrets from git history (after every rotation)",
            "Purging does not un-leak: it only stops new clones from getting the old values, so it comes after the rotations. "
            "Freeze pushes, lift branch protection, then run the purge on a mirror clone; it verifies itself with a history scan.",
            commands=purge_commands(),
            artefacts=purge,
            phase="purge",
        ),
        Step(
            0,
            "Force-push the rewritten history and re-clone everywhere",
            "Push, ask the hosting provider to drop cached views and pull-request refs, have everyone delete old clones and clone "
            "again (an old clone pushed back restores the secrets), clear CI caches and mirrors, restore branch protection.",
            commands=push_commands(),
            artefacts=_paths(artefacts, "purge-guide"),
            phase="purge",
        ),
        Step(
            0,
            "Verify and keep it clean",
            "A fresh clone's history scan reports none of the plan's fingerprints; the pre-commit hook and the CI gate keep new "
            "secrets out; the rotation schedule goes into the owners' calendars with the notification lead times of plan.json.",
            commands=("secretscan scan --history .", "secretscan install-hook"),
            phase="verify",
        ),
    ]


# ---- README ------------------------------------------------------------------------------


def readme(doc: Mapping[str, Any]) -> str:
    opts, conf = doc["options"], doc["confidence"]
    lines = [
        "# Secret remediation plan",
        "",
        f"{doc['inventory']['planned']} secret(s) to move into **{opts['backend']}** for **{opts['environment']}**, delivered to "
        f"**{opts['target']}**{' (detected)' if opts['target_detected'] else ''}. Generated by secretscan {doc['tool']['version']} "
        f"at {doc['generated_at']}. No file of this plan holds a secret value.",
        "",
        f"Confidence: **{conf['level']}**" + (":" if conf["reasons"] else "."),
        *[f"- {r}" for r in conf["reasons"]],
        "",
        "## What was found",
        "",
        "| type | count | stored in | risk | dynamic eligible |",
        "|---|---|---|---|---|",
        *[
            f"| {g['type']} | {g['count']} | {', '.join(g['current_storage'])} | {g['risk_level']} | {'yes' if g['dynamic_eligible'] else 'no'} |"
            for g in doc["secret_inventory"]
        ],
        "",
        "## Platform",
        "",
        f"Primary: **{doc['platform_recommendation']['primary']['backend']}**, because:",
        *[f"- {j}" for j in doc["platform_recommendation"]["primary"]["justification"]],
        "",
        f"Delivery: {doc['platform_recommendation']['deployment_shape']['delivery']}.",
        "",
        f"Fallback: **{doc['platform_recommendation']['fallback']['backend']}** when {doc['platform_recommendation']['fallback']['when']}: "
        f"{doc['platform_recommendation']['fallback']['how']}.",
        "",
        "## Rotation schedule",
        "",
        "| type | secrets | interval (days) | method | notify (days before) |",
        "|---|---|---|---|---|",
        *[
            f"| {r['type']} | {r['count']} | {r['interval_days']} | {r['method']} | {r['notification_lead_days'] or 'n/a'} |"
            for r in doc["rotation_schedule"]
        ],
        "",
        "## Steps",
        "",
        "Run the commands from this folder. Values are never arguments: `bin/stdin-secret.sh` reads them from a silent prompt or a file.",
        "",
    ]
    phase = None
    for step in doc["steps"]:
        if step["phase"] != phase:
            phase = step["phase"]
            lines += [f"### {phase.capitalize()}", ""]
        lines += [f"#### {step['order']}. {step['title']}", "", step["detail"], ""]
        if step["commands"]:
            lines += ["```sh", *step["commands"], "```", ""]
        if step["artefacts"]:
            lines += ["Files: " + ", ".join(f"[{p}]({p})" for p in step["artefacts"]), ""]
    lines += [
        "## Files",
        "",
        "| file | what |",
        "|---|---|",
        *[f"| [{a['path']}]({a['path']}) | {a['description']} |" for a in doc["artefacts"]],
        "",
    ]
    return "\n".join(lines)
