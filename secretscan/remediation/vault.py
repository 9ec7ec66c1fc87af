"""Vault (and OpenBao) artefacts: the KV v2 layout per environment and service, one
least-privilege policy per service, the auth roles binding workloads to those policies, a
break-glass path, the audit device, the database and cloud secrets engines for dynamic
credentials, and the scripts that apply all of it.

Loading a value is always `bin/stdin-secret.sh vault kv put ... value=-`: the value comes from a silent
prompt or standard input, never from a command line (shell history, `ps`) and never from a plan
file. Secrets that are only in history are rotated and purged, not stored: nothing reads them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from secretscan.remediation import vault_database as db
from secretscan.remediation.model import Artefact, Backend, PlanContext, PlannedSecret, PlanOptions, Target
from secretscan.remediation.naming import key_name, kv_relative, location_service
from secretscan.remediation.planner import engine_role

KV_MOUNT = "secret"
DEFAULT_AUDIT_PATH = "/var/log/vault/audit.log"
TOKEN_TTL = "1h"
TOKEN_MAX_TTL = "4h"
BREAK_GLASS_TTL = "15m"
BREAK_GLASS_MAX_TTL = "1h"
CLOUD_ENGINES = ("aws", "gcp", "azure")


def generate(ctx: PlanContext) -> list[Artefact]:
    if ctx.options.backend is not Backend.VAULT:
        return []
    live = stored(ctx.secrets)
    options = ctx.options
    arts = [
        layout(live, options),
        *policies(live, options),
        *break_glass(options),
        *auth_roles(live, options),
        audit_artefact(),
        *[a for s in live if s.dynamic and s.engine not in CLOUD_ENGINES for a in db.artefacts(s, options)],
        *[cloud_role(group, options) for group in cloud_groups(live, options).values()],
        apply_script(live, options),
    ]
    return arts


def stored(secrets: Iterable[PlannedSecret]) -> tuple[PlannedSecret, ...]:
    """The secrets a service still reads (in the tip): these get a place in Vault."""
    return tuple(s for s in secrets if s.exposure != "history_only")


def services(secrets: Iterable[PlannedSecret]) -> dict[str, list[PlannedSecret]]:
    """Service -> the secrets it reads (its own, and shared ones it consumes)."""
    out: dict[str, list[PlannedSecret]] = defaultdict(list)
    for s in secrets:
        for svc in dict.fromkeys((s.service, *s.consumers)):
            out[svc].append(s)
    return dict(sorted(out.items()))


def policy_name(options: PlanOptions, service: str) -> str:
    return f"{options.environment}-{service}"


def read_paths(s: PlannedSecret, options: PlanOptions) -> tuple[str, ...]:
    """What a service's token may read for ``s``: its KV path, or its dynamic credential paths."""
    if not s.dynamic or s.dynamic_path is None:
        return (s.backend_path,)
    if s.engine in CLOUD_ENGINES:
        return (s.dynamic_path,)
    role = engine_role(s, options)
    return (f"database/creds/{role}", f"database/static-creds/{role}-static")


# ---- KV layout ---------------------------------------------------------------------------


def layout(live: Sequence[PlannedSecret], options: PlanOptions) -> Artefact:
    env = options.environment
    tree: dict[str, list[dict[str, object]]] = defaultdict(list)
    for s in live:
        tree[s.service].append(
            {
                "name": s.name,
                "path": s.backend_path,
                "key": s.backend_key,
                "env_var": s.env_var,
                "type": s.type,
                "rotation": s.rotation.value,
                "rotation_days": s.rotation_days,
                **({"dynamic_path": s.dynamic_path} if s.dynamic_path else {}),
                "fingerprint": s.fingerprint,
            }
        )
    doc = {
        "mount": KV_MOUNT,
        "kv_version": 2,
        "pattern": f"{KV_MOUNT}/data/<environment>/<service>/<name>",
        "environments": {env: dict(sorted(tree.items()))},
    }
    return Artefact(
        "vault/kv-layout.json",
        json.dumps(doc, indent=2) + "\n",
        "vault-kv-layout",
        f"KV v2 layout for {env}: one path per secret under its service",
        tuple(s.fingerprint for s in live),
    )


# ---- policies ----------------------------------------------------------------------------


def policies(live: Sequence[PlannedSecret], options: PlanOptions) -> list[Artefact]:
    return [
        Artefact(
            f"vault/policies/{policy_name(options, svc)}.hcl",
            policy_hcl(svc, members, options),
            "vault-policy",
            f"policy {policy_name(options, svc)}: {svc} reads its own {len(members)} secret(s) and nothing else",
            tuple(s.fingerprint for s in members),
        )
        for svc, members in services(live).items()
    ]


def policy_hcl(service: str, members: Sequence[PlannedSecret], options: PlanOptions) -> str:
    lines = [
        f"# secretscan plan: policy {policy_name(options, service)}",
        f"# {service} in {options.environment} may read exactly these paths: no list, no write, no wildcard.",
        "",
    ]
    written: set[str] = set()
    for s in members:
        shared = (
            f"; shared with {', '.join(c for c in s.consumers if c != s.service)} until split"
            if len(s.consumers) > 1
            else ""
        )
        lines.append(f"# {s.env_var}: {s.type} ({s.rule_id}){shared}")
        for path in read_paths(s, options):
            if path in written:
                lines.append(f"#   reads {path} (above)")
                continue
            written.add(path)
            lines += [f'path "{path}" {{', '  capabilities = ["read"]', "}", ""]
    return "\n".join(lines)


def break_glass(options: PlanOptions) -> list[Artefact]:
    env = options.environment
    name = f"break-glass-{env}"
    access = "\n".join(
        [
            f"# secretscan plan: {name}. Emergency access to every secret of {env}, to read and to",
            "# replace a compromised value. Held by no one: a token with it is issued only through the",
            f"# token role {name} ({BREAK_GLASS_TTL}, at most {BREAK_GLASS_MAX_TTL}, not renewable), by the holders of",
            f"# {name}-issuer, and every request it makes is in the audit log.",
            f'path "{KV_MOUNT}/data/{env}/*" {{',
            '  capabilities = ["read", "create", "update"]',
            "}",
            "",
            f'path "{KV_MOUNT}/metadata/{env}/*" {{',
            '  capabilities = ["read", "list"]',
            "}",
            "",
        ]
    )
    issuer = "\n".join(
        [
            f"# secretscan plan: {name}-issuer. For the on-call group (bind it to their identity group):",
            f"# lets them issue a {name} token, nothing else.",
            f'path "auth/token/create/{name}" {{',
            '  capabilities = ["update"]',
            "}",
            "",
        ]
    )
    role = {
        "allowed_policies": [name],
        "disallowed_policies": ["root"],
        "orphan": True,
        "renewable": False,
        "token_type": "service",
        "token_explicit_max_ttl": BREAK_GLASS_MAX_TTL,
    }
    return [
        Artefact(
            f"vault/policies/{name}.hcl",
            access,
            "vault-policy",
            f"break-glass policy for {env} (issued only via the token role)",
        ),
        Artefact(f"vault/policies/{name}-issuer.hcl", issuer, "vault-policy", f"who may issue a {name} token"),
        Artefact(
            f"vault/auth/token/{name}.json",
            json.dumps(role, indent=2) + "\n",
            "vault-token-role",
            f"token role {name}: {BREAK_GLASS_MAX_TTL} hard limit, orphan, not renewable",
        ),
    ]


def break_glass_command(options: PlanOptions) -> str:
    name = f"break-glass-{options.environment}"
    return f'vault token create -role={name} -ttl={BREAK_GLASS_TTL} -metadata=incident="$INCIDENT_ID" -metadata=requested_by="$USER"'


# ---- auth roles --------------------------------------------------------------------------


def auth_method(options: PlanOptions) -> str:
    return {Target.KUBERNETES: "kubernetes", Target.APPLICATION: "approle", Target.CICD: "jwt"}[options.target]


def auth_roles(live: Sequence[PlannedSecret], options: PlanOptions) -> list[Artefact]:
    """Kubernetes service-account roles (target kubernetes) or AppRoles (target application);
    CI/CD JWT roles come from the cicd generator."""
    method = auth_method(options)
    if method == "jwt":
        return []
    out = []
    for svc, members in services(live).items():
        name = policy_name(options, svc)
        doc = kubernetes_role(svc, members, options) if method == "kubernetes" else approle(svc, options)
        what = "binds service account" if method == "kubernetes" else "AppRole for"
        out.append(
            Artefact(
                f"vault/auth/{method}/{name}.json",
                json.dumps(doc, indent=2) + "\n",
                f"vault-{method}-role",
                f"auth/{method}/role/{name}: {what} {svc} to policy {name}",
                tuple(s.fingerprint for s in members),
            )
        )
    return out


def namespaces(svc: str, members: Sequence[PlannedSecret], options: PlanOptions) -> list[str]:
    """Where the service's secrets are delivered: their own namespace, else the environment's
    (as the External Secrets generator places them)."""
    out: set[str] = set()
    for s in members:
        if s.service == svc:
            out.add(s.namespace or options.environment)
            continue
        mine = [
            key_name(loc) for loc in s.locations if location_service(loc, key_name(loc), options.default_service) == svc
        ]
        out |= {k.namespace or options.environment for k in mine} or {options.environment}
    return sorted(out)


def kubernetes_role(svc: str, members: Sequence[PlannedSecret], options: PlanOptions) -> dict[str, object]:
    return {
        "bound_service_account_names": [svc],
        "bound_service_account_namespaces": namespaces(svc, members, options),
        "token_policies": [policy_name(options, svc)],
        "token_ttl": TOKEN_TTL,
        "token_max_ttl": TOKEN_MAX_TTL,
        "token_type": "service",
    }


def approle(svc: str, options: PlanOptions) -> dict[str, object]:
    return {
        "token_policies": [policy_name(options, svc)],
        "token_ttl": TOKEN_TTL,
        "token_max_ttl": TOKEN_MAX_TTL,
        "secret_id_ttl": "24h",
        "secret_id_num_uses": 1,
        "bind_secret_id": True,
    }


# ---- audit -------------------------------------------------------------------------------


def audit_hcl(file_path: str = DEFAULT_AUDIT_PATH) -> str:
    """A declarative audit device (OpenBao's server configuration; Vault takes the command)."""
    return "\n".join(
        [
            "# secretscan plan: audit device. Add to the OpenBao server configuration (reloaded on SIGHUP);",
            f"# on HashiCorp Vault run instead: {audit_command(file_path)}",
            "# Every request and response is logged, secret values HMAC-ed (log_raw stays false). Ship the",
            "# file to the SIEM and keep it as long as your compliance regime asks (PCI-DSS: 12 months).",
            'audit "file" "file" {',
            '  description = "secretscan plan: every request and response, values HMAC-ed"',
            "  options {",
            f'    file_path = "{file_path}"',
            '    mode      = "0600"',
            '    log_raw   = "false"',
            "  }",
            "}",
            "",
        ]
    )


def audit_command(file_path: str = DEFAULT_AUDIT_PATH) -> str:
    return f"vault audit enable -path=file file file_path={file_path} mode=0600 log_raw=false"


def audit_artefact() -> Artefact:
    return Artefact("vault/audit.hcl", audit_hcl(), "vault-audit", "audit device: file, values HMAC-ed")


# ---- cloud engines -----------------------------------------------------------------------


def cloud_groups(live: Sequence[PlannedSecret], options: PlanOptions) -> dict[str, list[PlannedSecret]]:
    """Cloud credentials by engine role: an access key id and its secret are one credential."""
    out: dict[str, list[PlannedSecret]] = defaultdict(list)
    for s in live:
        if s.dynamic and s.engine in CLOUD_ENGINES:
            out[engine_role(s, options)].append(s)
    return dict(out)


def cloud_role(group: Sequence[PlannedSecret], options: PlanOptions) -> Artefact:
    s = group[0]
    role = engine_role(s, options)
    doc: dict[str, object]
    if s.engine == "aws":
        doc = {
            "credential_type": "assumed_role",
            "role_arns": [f"arn:aws:iam::AWS_ACCOUNT_ID:role/{role}"],
            "default_sts_ttl": "1h",
            "max_sts_ttl": "12h",
        }
    elif s.engine == "gcp":
        doc = {
            "project": "GCP_PROJECT_ID",
            "secret_type": "service_account_key",
            "bindings": 'resource "//cloudresourcemanager.googleapis.com/projects/GCP_PROJECT_ID" { roles = ["roles/viewer"] }',
            "token_scopes": ["https://www.googleapis.com/auth/cloud-platform"],
        }
    else:
        doc = {
            "azure_roles": json.dumps(
                [{"role_name": "Reader", "scope": "/subscriptions/AZURE_SUBSCRIPTION_ID/resourceGroups/RESOURCE_GROUP"}]
            ),
            "ttl": "1h",
            "max_ttl": "24h",
        }
    kind = {"aws": "roles", "gcp": "roleset", "azure": "roles"}[str(s.engine)]
    return Artefact(
        f"vault/{s.engine}/{role}.json",
        json.dumps(doc, indent=2) + "\n",
        f"vault-{s.engine}-role",
        f"{s.engine}/{kind}/{role}: short-lived {s.engine} credentials replacing the leaked key "
        "(edit the upper-case placeholders: account, project or subscription, and the least role that works)",
        tuple(x.fingerprint for x in group),
    )


def cloud_commands(s: PlannedSecret, options: PlanOptions) -> tuple[str, ...]:
    role = engine_role(s, options)
    engine = str(s.engine)
    kind = {"aws": "roles", "gcp": "roleset", "azure": "roles"}[engine]
    root = {
        "aws": 'bin/stdin-secret.sh vault write aws/config/root access_key="$AWS_VAULT_ACCESS_KEY_ID" secret_key=- region="${AWS_REGION:-us-east-1}"',
        "gcp": 'vault write gcp/config credentials=@"$GCP_VAULT_CREDENTIALS_FILE"',
        "azure": 'bin/stdin-secret.sh vault write azure/config subscription_id="$AZURE_SUBSCRIPTION_ID" tenant_id="$AZURE_TENANT_ID" client_id="$AZURE_VAULT_CLIENT_ID" client_secret=-',
    }[engine]
    return (
        f"vault read sys/mounts/{engine} >/dev/null 2>&1 || vault secrets enable {engine}",
        root,
        f"vault write {engine}/{kind}/{role} @vault/{engine}/{role}.json",
    )


# ---- commands and scripts ----------------------------------------------------------------


def metadata_command(s: PlannedSecret) -> str:
    return (
        f"vault kv metadata put -mount={KV_MOUNT} -max-versions=10 -custom-metadata=owner={s.service} "
        f"-custom-metadata=type={s.type} -custom-metadata=rotation_days={s.rotation_days} {kv_relative(s.backend_path)}"
    )


def policy_commands(live: Sequence[PlannedSecret], options: PlanOptions) -> list[str]:
    names = [policy_name(options, svc) for svc in services(live)]
    bg = f"break-glass-{options.environment}"
    return [f"vault policy write {n} vault/policies/{n}.hcl" for n in (*names, bg, f"{bg}-issuer")]


def auth_commands(live: Sequence[PlannedSecret], options: PlanOptions) -> list[str]:
    method = auth_method(options)
    out = [
        f"vault write auth/token/roles/break-glass-{options.environment} @vault/auth/token/break-glass-{options.environment}.json"
    ]
    if method == "jwt":
        return out
    out.append(f"vault read sys/auth/{method} >/dev/null 2>&1 || vault auth enable {method}")
    if method == "kubernetes":
        out.append(
            'if [ -n "${K8S_HOST:-}" ]; then vault write auth/kubernetes/config kubernetes_host="$K8S_HOST"; '
            'else echo "auth/kubernetes/config not written: set K8S_HOST (and the reviewer JWT and CA when Vault runs outside the cluster)" >&2; fi'
        )
    out += [
        f"vault write auth/{method}/role/{policy_name(options, svc)} @vault/auth/{method}/{policy_name(options, svc)}.json"
        for svc in services(live)
    ]
    return out


def setup_commands(live: Sequence[PlannedSecret], options: PlanOptions) -> list[str]:
    """Everything that configures Vault and holds no secret, in order (vault/apply.sh)."""
    return [
        # grep reads all of it (not -q): an early exit would fail the pipe under pipefail
        f"vault audit list -format=json 2>/dev/null | grep '\"file/\"' >/dev/null || {audit_command()}",
        f"vault read sys/mounts/{KV_MOUNT} >/dev/null 2>&1 || vault secrets enable -path={KV_MOUNT} -version=2 kv",
        *policy_commands(live, options),
        *auth_commands(live, options),
        *[metadata_command(s) for s in live if not s.dynamic],
    ]


def apply_script(live: Sequence[PlannedSecret], options: PlanOptions) -> Artefact:
    body = "\n".join(setup_commands(live, options))
    text = f"""#!/usr/bin/env bash
# secretscan plan: configure Vault for {options.environment}: audit device, KV v2 mount, one policy per
# service, break-glass, auth roles, KV metadata. Idempotent; holds no secret value.
# Run from the plan folder:  VAULT_ADDR=... VAULT_TOKEN=... vault/apply.sh   (OpenBao: VAULT_CLI=bao)
# OpenBao refuses audit devices over the API: put vault/audit.hcl in its server configuration first.
set -euo pipefail
cd "$(dirname "$0")/.."
vault() {{ command "${{VAULT_CLI:-vault}}" "$@"; }}

{body}
"""
    return Artefact(
        "vault/apply.sh", text, "vault-apply-script", "applies every Vault configuration file of the plan, in order"
    )
