"""The judgement sections of plan.json: secret inventory groups, platform recommendation,
dynamic secret design, access policy, rotation schedule, compliance and confidence. Each is
derived from the planned secrets and the options; none holds a value."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from secretscan.remediation import schedule
from secretscan.remediation.model import Backend, PlannedSecret, PlanOptions, RotationMode, Target
from secretscan.remediation.planner import DYNAMIC_TYPES, engine_role
from secretscan.remediation.vault import (
    BREAK_GLASS_MAX_TTL,
    BREAK_GLASS_TTL,
    CLOUD_ENGINES,
    DEFAULT_AUDIT_PATH,
    TOKEN_MAX_TTL,
    TOKEN_TTL,
    auth_method,
    break_glass_command,
    kubernetes_role,
    namespaces,
    policy_name,
    read_paths,
    services,
    stored,
)

_RISK_ORDER = {"low": 1, "medium": 2, "high": 3, "critical": 4}
_K8S_STORAGES = frozenset(
    {"kubernetes-secret", "kubernetes-env-literal", "kubernetes-manifest", "configmap", "helm-values", "kustomize"}
)
_CLOUD_NAME = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}
_NATIVE = {"aws": Backend.AWS, "gcp": Backend.GCP, "azure": Backend.AZURE}


def secret_inventory(secrets: Sequence[PlannedSecret]) -> list[dict[str, Any]]:
    groups = []
    for kind in sorted({s.type for s in secrets}):
        members = [s for s in secrets if s.type == kind]
        groups.append(
            {
                "type": kind,
                "count": len(members),
                "current_storage": sorted({st for s in members for st in s.storages}),
                "risk_level": max((s.risk_level for s in members), key=lambda r: _RISK_ORDER.get(r, 0)),
                "dynamic_eligible": kind in DYNAMIC_TYPES,
                "dynamic": sum(1 for s in members if s.dynamic),
                "in_tip": sum(1 for s in members if s.exposure != "history_only"),
            }
        )
    return sorted(groups, key=lambda g: (-_RISK_ORDER.get(str(g["risk_level"]), 0), str(g["type"])))


# ---- platform ----------------------------------------------------------------------------


def platform_recommendation(secrets: Sequence[PlannedSecret], options: PlanOptions) -> dict[str, Any]:
    return {
        "primary": {"backend": options.backend.value, "justification": justification(secrets, options)},
        "deployment_shape": deployment_shape(secrets, options),
        "fallback": fallback(options),
    }


def justification(secrets: Sequence[PlannedSecret], options: PlanOptions) -> list[str]:
    live = stored(secrets)
    svcs = sorted({s.service for s in live})
    out = [
        f"{len(secrets)} secret(s) found, {len(live)} still read by {len(svcs)} service(s): one place per secret, one policy per service"
    ]
    eligible = [s for s in secrets if s.type in DYNAMIC_TYPES]
    dynamic = [s for s in secrets if s.dynamic]
    if options.backend is Backend.VAULT:
        if dynamic:
            engines = sorted({"database" if s.engine not in CLOUD_ENGINES else str(s.engine) for s in dynamic})
            out.append(
                f"{len(dynamic)} database/cloud credential(s) become short-lived dynamic credentials ({', '.join(engines)} secrets engine): "
                "nothing long-lived left to leak"
            )
        out.append(
            "Vault serves every runtime the repository shows (Kubernetes via External Secrets or the agent, CI via JWT/OIDC, "
            "applications via clients), across clouds"
        )
    else:
        out.append(f"{options.backend.value} is native to the cloud: IAM-scoped access, no server to operate")
        if eligible:
            out.append(
                f"{len(eligible)} database/cloud credential(s) could be dynamic with Vault; {options.backend.value} rotates them on a schedule instead"
            )
    k8s = [s for s in secrets if _K8S_STORAGES & set(s.storages)]
    if k8s:
        out.append(
            f"{len(k8s)} secret(s) sit in Kubernetes manifests, Helm values or Kustomize generators: External Secrets Operator "
            "syncs them from the backend, so git holds references only"
        )
    shared = [s for s in secrets if len(s.consumers) > 1]
    if shared:
        out.append(
            f"{len(shared)} credential(s) are shared between services: per-service paths and policies make each split explicit"
        )
    if options.compliance:
        out.append(
            f"{', '.join(options.compliance)}: the backend's audit log and least-privilege policies provide the access evidence"
        )
    return out


def deployment_shape(secrets: Sequence[PlannedSecret], options: PlanOptions) -> dict[str, Any]:
    delivery = {
        Target.KUBERNETES: "External Secrets Operator syncs each secret into a Kubernetes Secret; workloads read it through "
        "env valueFrom.secretKeyRef or a mounted file; committed Secrets are deleted",
        Target.CICD: "CI jobs authenticate with the platform's OIDC token (GitHub Actions / GitLab CI) and fetch each secret at job "
        "time: no long-lived secret stored in the CI system",
        Target.APPLICATION: "applications read their secrets at start-up (and on rotation) through the client snippets or an "
        "agent template; config files keep placeholders only",
    }[options.target]
    return {
        "target": options.target.value,
        "platform": options.platform or _platform_guess(options),
        "cloud": options.cloud,
        "environment": options.environment,
        "delivery": delivery,
        "services": sorted({s.service for s in stored(secrets)}),
    }


def _platform_guess(options: PlanOptions) -> str:
    if options.target is Target.KUBERNETES:
        return {"aws": "EKS", "gcp": "GKE", "azure": "AKS"}.get(options.cloud or "", "Kubernetes")
    return {Target.CICD: "CI/CD", Target.APPLICATION: "virtual machines or PaaS"}[options.target]


def fallback(options: PlanOptions) -> dict[str, Any]:
    if options.backend is Backend.VAULT:
        native = _NATIVE.get(options.cloud or "")
        backend = native.value if native else "sops"
        how = (
            f"{backend}: ESO has a provider for it, so only the SecretStore changes; dynamic credentials become scheduled rotation"
            if native
            else "SOPS-encrypted files in git with age recipients (GitOps): no server, but no dynamic credentials and rotation stays manual"
        )
        return {
            "backend": backend,
            "when": "Vault cannot be run highly available (3 or 5 nodes, integrated storage, auto-unseal with a KMS) by the team",
            "how": how,
            "availability": "while Vault is unreachable, ESO keeps the last synced Kubernetes Secrets and running pods keep their values",
        }
    return {
        "backend": "vault",
        "when": "database or cloud credentials should become dynamic, or services run outside this cloud",
        "how": "Vault with the same layout (secret/data/<env>/<service>/<name>); ESO switches provider through the SecretStore only",
        "availability": f"{options.backend.value} is regional: replicate secrets to a second region for disaster recovery",
    }


# ---- dynamic secrets ---------------------------------------------------------------------


def dynamic_secret_design(secrets: Sequence[PlannedSecret], options: PlanOptions) -> list[dict[str, Any]]:
    out = []
    for kind in sorted({s.type for s in secrets} & DYNAMIC_TYPES):
        members = [s for s in secrets if s.type == kind]
        dyn = [s for s in members if s.dynamic]
        if not dyn:
            out.append(
                {
                    "type": kind,
                    "dynamic": False,
                    "count": len(members),
                    "reason": members[0].notes[0]
                    if members[0].notes
                    else f"rotation {members[0].rotation.value} was asked for",
                }
            )
            continue
        for engine in sorted({str(s.engine) for s in dyn}):
            group = [s for s in dyn if str(s.engine) == engine]
            out.append(_engine_design(kind, engine, group, options))
    return out


def _engine_design(kind: str, engine: str, group: Sequence[PlannedSecret], options: PlanOptions) -> dict[str, Any]:
    roles = sorted({engine_role(s, options) for s in group})
    if engine in CLOUD_ENGINES:
        return {
            "type": kind,
            "dynamic": True,
            "count": len(group),
            "engine": f"{engine} secrets engine",
            "mount": f"{engine}/",
            "roles": roles,
            "ttl": "1h",
            "max_ttl": "12h" if engine == "aws" else "24h",
            "renewal": "cloud credentials are not renewed: clients read a new set before two thirds of the TTL",
            "revocation": f"expire at the TTL; on compromise `vault lease revoke -prefix {engine}/creds/<role>` (and disable the role's cloud identity)",
        }
    plugins = sorted(
        {
            "postgresql-database-plugin"
            if s.engine == "postgresql"
            else "mysql-database-plugin"
            if s.engine == "mysql"
            else "postgresql-database-plugin or mysql-database-plugin"
            for s in group
        }
    )
    return {
        "type": kind,
        "dynamic": True,
        "count": len(group),
        "engine": f"database secrets engine ({', '.join(plugins)})",
        "mount": "database/",
        "roles": roles,
        "ttl": "1h",
        "max_ttl": "24h",
        "renewal": "clients renew the lease before two thirds of the TTL (Vault Agent, ESO's VaultDynamicSecret refresh, or the snippets' cache) "
        "up to max_ttl, then read a new credential; connection pools recycle connections on the new credential",
        "revocation": "at lease expiry, or at once with `vault lease revoke -prefix database/creds/<role>`: the revocation statements end the "
        "user's sessions and drop it; the static role rotates the application's old user, killing the leaked password",
    }


# ---- access policy -----------------------------------------------------------------------


def access_policy(secrets: Sequence[PlannedSecret], options: PlanOptions) -> dict[str, Any]:
    if options.backend is not Backend.VAULT:
        return _cloud_access(secrets, options)
    live = stored(secrets)
    method = auth_method(options)
    per_service = []
    for svc, members in services(live).items():
        entry: dict[str, Any] = {
            "service": svc,
            "policy": policy_name(options, svc),
            "paths": sorted({p for s in members for p in read_paths(s, options)}),
            "capabilities": ["read"],
            "auth_role": f"auth/{method}/role/{policy_name(options, svc)}",
        }
        if method == "kubernetes":
            role = kubernetes_role(svc, members, options)
            entry["service_accounts"] = role["bound_service_account_names"]
            entry["namespaces"] = namespaces(svc, members, options)
        per_service.append(entry)
    return {
        "auth_method": _auth_description(method, options),
        "per_service": per_service,
        "least_privilege": [
            "one policy per service and environment, listing exact paths: read only, no list, no wildcard, no write",
            f"tokens live {TOKEN_TTL} (at most {TOKEN_MAX_TTL}) and carry only their service's policy",
            "no human holds a standing token to production paths: operators use break-glass",
            "the root token is revoked after set-up; new roots only with `operator generate-root` and a quorum of unseal/recovery keys",
        ],
        "break_glass": {
            "policy": f"break-glass-{options.environment}",
            "issuer_policy": f"break-glass-{options.environment}-issuer",
            "token_role": f"auth/token/roles/break-glass-{options.environment}",
            "ttl": BREAK_GLASS_TTL,
            "max_ttl": BREAK_GLASS_MAX_TTL,
            "procedure": [
                "open an incident; a second person approves",
                f"an on-call holder of the issuer policy runs: {break_glass_command(options)}",
                "every request with the token is in the audit log, tagged with the incident id in its metadata",
                "after the incident: revoke the token (`vault token revoke -self`), rotate every secret it read, review the audit log",
            ],
            "audit": "full: the audit device logs every request and response of the token (values HMAC-ed); alert on any use of the policy",
        },
        "audit": {
            "device": "file",
            "path": DEFAULT_AUDIT_PATH,
            "configuration": "vault/audit.hcl",
            "note": "add a second device (syslog or socket) so Vault keeps serving if one cannot write",
        },
    }


def _auth_description(method: str, options: PlanOptions) -> dict[str, Any]:
    text = {
        "kubernetes": "Kubernetes service-account auth: pods (or External Secrets' SecretStore) log in with their projected "
        "service-account token; role <env>-<service> binds service account <service> in its namespace to policy <env>-<service>",
        "approle": "AppRole: each service gets a role id baked into its deployment and a single-use secret id delivered at start by "
        "the orchestrator (response-wrapped); role <env>-<service> carries policy <env>-<service>",
        "jwt": "JWT/OIDC auth for CI: jobs present the platform's OIDC token, roles are bound to repository and branch claims",
    }[method]
    return {"kind": method, "mount": f"auth/{method}", "description": text}


def _cloud_access(secrets: Sequence[PlannedSecret], options: PlanOptions) -> dict[str, Any]:
    identity = {
        Backend.AWS: (
            "IAM roles for service accounts (IRSA) / EKS Pod Identity",
            "secretsmanager:GetSecretValue on the service's secret ARNs",
        ),
        Backend.AZURE: (
            "Azure Workload Identity (managed identity per service)",
            "Key Vault Secrets User role assignment scoped to each secret",
        ),
        Backend.GCP: (
            "GKE Workload Identity (one Google service account per service)",
            "roles/secretmanager.secretAccessor bound on each secret",
        ),
    }[options.backend]
    return {
        "auth_method": {"kind": "workload-identity", "mount": None, "description": identity[0]},
        "per_service": [
            {
                "service": svc,
                "policy": f"{options.environment}-{svc}",
                "paths": sorted({s.backend_path for s in members}),
                "capabilities": [identity[1]],
                "auth_role": f"{options.environment}-{svc}",
            }
            for svc, members in services(stored(secrets)).items()
        ],
        "least_privilege": [
            "one identity per service, allowed to read exactly its own secrets",
            "no long-lived keys: workload identity only",
        ],
        "break_glass": {
            "policy": f"break-glass-{options.environment}",
            "issuer_policy": None,
            "token_role": None,
            "ttl": BREAK_GLASS_TTL,
            "max_ttl": BREAK_GLASS_MAX_TTL,
            "procedure": [
                "a dedicated emergency role, assumable only with MFA by the on-call group, session of at most one hour",
                "every use is in the cloud audit log (CloudTrail / Activity Log / Cloud Audit Logs) with an alert",
            ],
            "audit": "cloud audit log with data-access logging for the secret manager enabled",
        },
        "audit": {
            "device": "cloud audit log",
            "path": None,
            "configuration": None,
            "note": "enable data-access logs for secret reads",
        },
    }


# ---- schedule, compliance, confidence ----------------------------------------------------


def rotation_schedule(secrets: Sequence[PlannedSecret], options: PlanOptions) -> list[dict[str, Any]]:
    return [
        {
            "type": r.type,
            "count": r.count,
            "interval_days": r.interval_days,
            "method": r.method,
            "notification_lead_days": r.notification_lead_days,
        }
        for r in schedule.rows(secrets, options)
    ]


_CONTROLS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "SOC2": (
        ("CC6.1", "logical access: one least-privilege policy per service, exact paths"),
        (
            "CC6.2/CC6.3",
            "access granted through auth roles bound to workload identities, removed with the role; break-glass time-boxed",
        ),
        ("CC7.2", "monitoring: the audit device logs every access, alert on break-glass use"),
        ("CC8.1", "change management: policies and manifests applied from reviewed commits"),
    ),
    "PCI-DSS": (
        (
            "8.6.2",
            "no passwords of application or system accounts hard-coded in scripts, configuration or source: the values move to the backend",
        ),
        ("8.3.9/8.6.3", "credential changes at least every 90 days (intervals capped), or dynamic credentials"),
        ("7.2", "least privilege: per-service policies"),
        ("3.6/3.7", "key management: keys and certificates rotated on the schedule with documented runbooks"),
        ("10.2/10.5.1", "audit logs of every access, kept 12 months (3 immediately available)"),
    ),
    "GDPR": (
        (
            "Art. 32",
            "security of processing: access to personal data guarded by credentials that are no longer in git and rotate",
        ),
        (
            "Art. 33",
            "a leaked credential that reached personal data is a breach to assess; notify the supervisory authority within 72 hours where required",
        ),
        ("Art. 5(1)(f)", "integrity and confidentiality: least privilege and audit on every read"),
    ),
}


def compliance(options: PlanOptions) -> list[dict[str, Any]]:
    return [
        {"framework": f, "controls": [{"id": c, "how": how} for c, how in _CONTROLS[f]]} for f in options.compliance
    ]


def confidence(
    secrets: Sequence[PlannedSecret], options: PlanOptions, inventory: Mapping[str, Any], detected_target: bool
) -> dict[str, Any]:
    reasons = []
    low = [i for i in inventory.get("items", ()) if i.get("confidence") == "low" and i.get("status") != "allowed"]
    if low:
        reasons.append(
            f"{len(low)} finding(s) of low detection confidence may be false positives: confirm each before rotating"
        )
    if not inventory.get("history", False):
        reasons.append(
            "the inventory covers the working tree only: secrets removed earlier are not planned and the purge lists only the versions seen; plan with --history"
        )
    guessed = [s for s in stored(secrets) if not _service_named(s)]
    if guessed:
        reasons.append(
            f"{len(guessed)} secret(s) were assigned to a service by their folder name, not by a workload: check the service names"
        )
    unknown_db = [s for s in secrets if s.dynamic and s.engine == "database"]
    if unknown_db:
        reasons.append(
            f"{len(unknown_db)} database credential(s) of unrecognised flavour: both PostgreSQL and MySQL roles are written"
        )
    if any(s.dynamic for s in secrets):
        reasons.append(
            "database hosts, names and application users are not in the inventory: the engine steps take them from PGHOST/PGDATABASE/DB_APP_USER"
        )
    if options.target is Target.KUBERNETES and any(s.namespace is None for s in stored(secrets)):
        reasons.append(
            f"some secrets have no Kubernetes namespace in their location: their auth roles use the namespace '{options.environment}'"
        )
    shared = [s for s in secrets if len(s.consumers) > 1]
    if shared:
        reasons.append(
            f"{len(shared)} credential(s) shared between services: splitting them needs the owners' decisions"
        )
    if detected_target:
        reasons.append(f"the target ({options.target.value}) was detected from the repository, not given with --target")
    if not secrets:
        reasons.append("the inventory holds no secret to plan")
    level = "high" if not reasons else "medium" if len(reasons) <= 3 else "low"
    return {"level": level, "reasons": reasons}


def _service_named(s: PlannedSecret) -> bool:
    """Whether a location named the service (Kubernetes object, compose service)."""
    from secretscan.remediation.naming import key_name

    return any(key_name(loc).service for loc in s.locations)


def counts(secrets: Sequence[PlannedSecret]) -> dict[str, int]:
    by = Counter(s.rotation.value for s in secrets)
    return {mode.value: by.get(mode.value, 0) for mode in RotationMode}
