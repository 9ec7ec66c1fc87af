"""Rotation runbooks in Markdown: one per secret type found and one per main provider found
(AWS IAM keys, GitHub tokens, Slack, Stripe), each listing the secrets it covers, and an index
with the rotation schedule.

Every runbook follows the same order: owner, when to revoke, issue the new value, update the
backend, roll consumers without downtime, revoke the old value, verify it is dead, document. A
command that needs the old value (to prove it dead) reads it from a silent prompt, never from an
argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from secretscan.remediation import schedule
from secretscan.remediation.commands import store_commands
from secretscan.remediation.model import Artefact, PlanContext, PlannedSecret, PlanOptions, RotationMode, Target


@dataclass(frozen=True, slots=True)
class Playbook:
    key: str  # file stem
    title: str
    owner: str
    issue: tuple[str, ...]
    revoke: tuple[str, ...]
    verify: tuple[str, ...]
    overlap: str  # how old and new coexist while consumers roll


_READ_OLD = "read -r -s -p 'old value: ' OLD; echo"

PROVIDERS: dict[str, Playbook] = {
    "aws": Playbook(
        "aws-iam-access-keys",
        "AWS IAM access keys",
        "the owner of the IAM user (see its tags), with the AWS account's security contact",
        (
            "Find the user the key belongs to: `aws iam list-access-keys --user-name USER` (CloudTrail shows which user used the key id).",
            "Prefer no key at all: an IAM role for the workload (IRSA or EKS Pod Identity, an instance or task role, or Vault's aws engine in this plan).",
            "Otherwise create the second key (a user may hold two): `umask 077; aws iam create-access-key --user-name USER > new-key.json`.",
        ),
        (
            "Deactivate first, delete after a quiet period: `aws iam update-access-key --user-name USER --access-key-id OLD_KEY_ID --status Inactive`.",
            "Watch `aws iam get-access-key-last-used --access-key-id OLD_KEY_ID` and CloudTrail for calls with it, then `aws iam delete-access-key --user-name USER --access-key-id OLD_KEY_ID`.",
            "If AWS attached `AWSCompromisedKeyQuarantineV2` to the user, detach it only after the key is deleted and the activity reviewed.",
        ),
        (
            "`aws iam list-access-keys --user-name USER` no longer lists the old key id.",
            "A call signed with the old key fails with InvalidClientTokenId (run it from a scratch shell with the old pair exported from a prompt, never typed as arguments).",
        ),
        "a user can hold two access keys: both are valid until the old one is deactivated",
    ),
    "github": Playbook(
        "github-tokens",
        "GitHub tokens",
        "the token's owner (the user or the GitHub App shown in the organization's audit log)",
        (
            "Prefer a GitHub App installation token (valid one hour) or, in Actions, the job's GITHUB_TOKEN / OIDC: no long-lived token at all.",
            "Otherwise create a fine-grained personal access token with the fewest repositories and permissions, and an expiry.",
        ),
        (
            "Delete the old token (Settings > Developer settings > Personal access tokens), or for an OAuth app "
            "`gh api -X DELETE /applications/CLIENT_ID/token` with the token in the request body from a file.",
            "Organization owners: review the audit log for the token's use since it was committed.",
        ),
        (
            f"`{_READ_OLD}; printf 'header = \"Authorization: Bearer %s\"\\n' \"$OLD\" | curl -s -o /dev/null -w '%{{http_code}}\\n' -K - https://api.github.com/user; unset OLD` prints 401.",
        ),
        "GitHub tokens are independent: the new one works alongside the old until the old is deleted",
    ),
    "slack": Playbook(
        "slack-tokens",
        "Slack tokens and webhooks",
        "the Slack app's collaborators (api.slack.com > Your Apps), with a workspace admin",
        (
            "Turn on token rotation for the app (refresh tokens, access tokens valid 12 hours) where the app can refresh.",
            "Otherwise reinstall the app to the workspace to get a new bot token; for an incoming webhook, create a new webhook URL.",
        ),
        (
            "Revoke the old token: `auth.revoke` with the old token (POST https://slack.com/api/auth.revoke), or "
            "'Revoke All OAuth Tokens' in the app's OAuth & Permissions page; remove the old webhook.",
        ),
        (
            f'`{_READ_OLD}; printf \'header = "Authorization: Bearer %s"\\n\' "$OLD" | curl -s -K - https://slack.com/api/auth.test; unset OLD` answers `invalid_auth` or `token_revoked`.',
        ),
        "a reinstall issues the new token while the old one stays valid until revoked",
    ),
    "stripe": Playbook(
        "stripe-keys",
        "Stripe API keys",
        "the Stripe account's administrators (Dashboard > Settings > Team)",
        (
            "Prefer a restricted key (rk_...) with only the resources the service uses.",
            "Roll the key in Dashboard > Developers > API keys > Roll key, choosing an expiry for the old key long enough to roll consumers (up to 7 days).",
        ),
        ("Let the old key expire, or expire it now from the same page once consumers use the new one.",),
        (
            f"`{_READ_OLD}; printf 'user = \"%s:\"\\n' \"$OLD\" | curl -s -o /dev/null -w '%{{http_code}}\\n' -K - https://api.stripe.com/v1/balance; unset OLD` prints 401.",
        ),
        "'Roll key' keeps the old key valid until the expiry you choose",
    ),
}

TYPES: dict[str, Playbook] = {
    "database_credentials": Playbook(
        "database-credentials",
        "Database credentials",
        "the service's team with the database's owner (DBA)",
        (
            "Dynamic (this plan's default on Vault): apply the database engine steps; every pod gets its own user for one hour.",
            "Static: a second login role with the same group role (`CREATE ROLE app_v2 LOGIN IN ROLE app_group`; password with `\\password app_v2`), "
            "or let Vault's static role rotate the existing user (vault/database/*/static-role.json).",
        ),
        (
            "Lock the old login and end its sessions: `ALTER ROLE old_user NOLOGIN;` then "
            "`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'old_user';` (MySQL: `ALTER USER ... ACCOUNT LOCK`, `KILL`).",
            "Drop it once nothing reconnects: `REASSIGN OWNED BY old_user TO app_group; DROP OWNED BY old_user; DROP ROLE old_user;`.",
        ),
        (
            "`SELECT count(*) FROM pg_stat_activity WHERE usename = 'old_user';` is 0.",
            f"A login with the old password fails: `{_READ_OLD}; PGPASSWORD=\"$OLD\" psql -h HOST -U old_user -c 'select 1'; unset OLD` ends in 'password authentication failed'.",
        ),
        "two login roles (or Vault's leases) overlap while pods roll; the group role keeps ownership stable",
    ),
    "cloud_iam": Playbook(
        "cloud-iam",
        "Cloud IAM credentials",
        "the cloud account's owner for the identity (its tags or labels name the team)",
        (
            "Prefer workload identity (AWS IRSA / Pod Identity, GKE Workload Identity, Azure Workload Identity): no key to leak.",
            "Otherwise issue a second key for the same identity (GCP: `gcloud iam service-accounts keys create`; Azure: `az ad app credential reset --append`).",
        ),
        (
            "Disable the old key, then delete it after a quiet period (GCP: `gcloud iam service-accounts keys disable/delete`; Azure: `az ad app credential delete`).",
        ),
        (
            "The provider's key list no longer has the old key id, and its audit log shows no use of it after revocation.",
        ),
        "clouds allow two keys per identity during the roll",
    ),
    "api_keys": Playbook(
        "api-keys",
        "API keys",
        "the team owning the integration with the provider (the account's admins)",
        (
            "Create a new key in the provider's console, scoped to what the service uses, with an expiry where the provider offers one.",
        ),
        ("Delete (or disable) the old key in the provider's console once consumers use the new one.",),
        (
            "A request with the old key is refused (401/403) by the provider's API; its usage page shows no calls with it.",
        ),
        "most providers allow two keys at once; where one does not, schedule the switch in a quiet hour",
    ),
    "service_tokens": Playbook(
        "service-tokens",
        "Service tokens",
        "the team owning the integration, with the admins of the issuing service",
        (
            "Issue a new token with the narrowest scope and an expiry (prefer short-lived tokens from OIDC federation where the service supports it).",
        ),
        ("Revoke the old token in the issuing service.",),
        ("A request with the old token is refused (401/403).",),
        "tokens are independent: issue the new one before revoking the old",
    ),
    "passwords": Playbook(
        "passwords",
        "Passwords",
        "the owner of the account the password belongs to",
        ("Set a new random password (at least 24 characters from a generator, never reused).",),
        ("Change the password at the system that checks it; end existing sessions where the system keeps them.",),
        ("A login with the old password fails.",),
        "where the system allows one password per account, create a second account for the roll or switch in a quiet hour",
    ),
    "generic": Playbook(
        "generic-secrets",
        "Other secrets",
        "the team owning the service that reads it",
        (
            "Find what the value unlocks (the key name and the file around it say most); if it is not a credential, mark it "
            "with an allow comment and say why.",
            "Issue a new value at the system that checks it.",
        ),
        ("Invalidate the old value at that system.",),
        ("The system refuses the old value.",),
        "issue the new value before invalidating the old where the system allows both",
    ),
    "tls_certs": Playbook(
        "tls-certificates",
        "TLS certificates",
        "the service's team (the certificate's subject), with whoever runs the CA or ACME account",
        (
            "A certificate alone is public: what must rotate is its private key. Generate a new key, never reuse the old one.",
            "Issue the new certificate (cert-manager, ACME, or the internal CA) and deploy it next to the old one.",
        ),
        ("If the private key leaked, revoke the old certificate at the CA with reason keyCompromise.",),
        (
            "`openssl s_client -connect HOST:443 -servername HOST </dev/null | openssl x509 -noout -serial -enddate` shows the new serial.",
            "The CA's OCSP responder or CRL lists the old serial as revoked.",
        ),
        "serve the new certificate before revoking the old; clients see no gap",
    ),
    "private_keys": Playbook(
        "private-keys",
        "Private keys",
        "the team owning what the key proves (a server, a signer, a client)",
        (
            "Generate a new key pair where it will be used (never copy the private key around), register the new public key or certificate.",
        ),
        ("Remove the old public key from everywhere that trusts it; revoke its certificate if it had one.",),
        ("Authentication or verification with the old key fails everywhere it was trusted.",),
        "trust both public keys while consumers switch, then remove the old",
    ),
    "signing_keys": Playbook(
        "signing-keys",
        "Signing keys",
        "the team owning the issuer (tokens, webhooks, packages)",
        (
            "Add a new key with a new key id: publish it (JWKS, keyring) before signing with it.",
            "Switch signing to the new key; keep the old one for verification only, for the longest lifetime of what it signed.",
        ),
        ("Remove the old key from the verification set (and revoke it in the keyring for GPG/code-signing keys).",),
        ("Tokens or artefacts signed with the old key are rejected by every verifier.",),
        "verifiers accept both keys during the overlap; signers use only the new one",
    ),
    "ssh_keys": Playbook(
        "ssh-keys",
        "SSH keys",
        "the owner of the machine accounts or deploy keys that trust the key",
        (
            "Prefer short-lived SSH certificates (Vault's ssh engine or an SSH CA) to static keys.",
            "Otherwise `ssh-keygen -t ed25519 -f id_new -C 'service@env'` where the key is used, and add id_new.pub to authorized_keys or as the new deploy key.",
        ),
        (
            "Find the old public key by its fingerprint (`ssh-keygen -lf key.pub`) and remove it from every authorized_keys file and deploy-key list.",
        ),
        (
            "`ssh -i OLD_KEY -o IdentitiesOnly=yes -o BatchMode=yes USER@HOST true` is refused (Permission denied (publickey)).",
        ),
        "both public keys are authorized while consumers switch",
    ),
}


def generate(ctx: PlanContext) -> list[Artefact]:
    groups = group(ctx.secrets)
    out = [
        Artefact(
            f"runbooks/{path}.md",
            render(book, members, ctx.options),
            "runbook",
            f"rotation runbook: {book.title}",
            tuple(s.fingerprint for s in members),
        )
        for path, (book, members) in groups.items()
    ]
    return [index(groups, ctx), *out]


def playbook_for(s: PlannedSecret) -> tuple[str, Playbook]:
    """The provider runbook where there is one for the secret's provider, else its type's."""
    provider = s.provider.lower()
    for key, book in PROVIDERS.items():
        if provider == key or provider.startswith(key) or s.rule_id.startswith(f"secretscan.{key}."):
            if key != "aws" or s.type == "cloud_iam":
                return f"providers/{book.key}", book
    book = TYPES.get(s.type, TYPES["generic"])
    return f"types/{book.key}", book


def group(secrets: Sequence[PlannedSecret]) -> dict[str, tuple[Playbook, list[PlannedSecret]]]:
    out: dict[str, tuple[Playbook, list[PlannedSecret]]] = {}
    for s in secrets:
        path, book = playbook_for(s)
        out.setdefault(path, (book, []))[1].append(s)
    return dict(sorted(out.items()))


def where(s: PlannedSecret) -> str:
    loc = s.locations[0] if s.locations else {}
    more = f" (+{len(s.locations) - 1} more)" if len(s.locations) > 1 else ""
    return f"`{loc.get('path', '?')}:{loc.get('line', '?')}`{more}"


def render(book: Playbook, members: Sequence[PlannedSecret], options: PlanOptions) -> str:
    lines = [
        f"# Rotation runbook: {book.title}",
        "",
        "Rotate first, then remove from git and purge history: purging does not un-leak a value anyone could have copied.",
        "",
        "## Secrets covered",
        "",
        "| service | variable | preview | fingerprint | where | rotation |",
        "|---|---|---|---|---|---|",
        *[
            f"| {s.service} | `{s.env_var}` | `{s.preview}` | `{s.fingerprint[:12]}` | {where(s)} | {_cadence(s)} |"
            for s in members
        ],
        "",
        "## 1. Owner",
        "",
        f"Owner: {book.owner}. They approve the rotation window and sign off step 8.",
        "",
        "## 2. Revoke now or after the roll?",
        "",
        "If anything suggests the value was used by someone else (provider alerts, unknown IPs in access logs, the repository is or was public), "
        "revoke it **now** (step 6) and accept the outage: an attacker's access costs more than downtime. Otherwise revoke right after the roll.",
        "",
        "## 3. Issue the new value",
        "",
        *[f"- {line}" for line in book.issue],
        "",
        "## 4. Update the backend",
        "",
        *_backend_lines(members, options),
        "",
        "## 5. Roll consumers without downtime",
        "",
        f"- Overlap: {book.overlap}.",
        *_roll_lines(members, options),
        "",
        "## 6. Revoke the old value",
        "",
        *[f"- {line}" for line in book.revoke],
        "",
        "## 7. Verify the old value is dead",
        "",
        *[f"- {line}" for line in book.verify],
        "- After the history purge, `secretscan scan --history` no longer reports the fingerprints above.",
        "",
        "## 8. Document",
        "",
        "- Record in the incident or change ticket: fingerprint (never the value), who rotated, when, the revoke time, and the verification output.",
        "- Set the next due date in the rotation calendar; the backend's metadata carries the interval.",
        "",
    ]
    return "\n".join(lines)


def _cadence(s: PlannedSecret) -> str:
    if s.rotation is RotationMode.DYNAMIC:
        return f"dynamic: a new credential per lease from {s.dynamic_path}"
    return f"{s.rotation.value}, every {s.rotation_days} days"


def _backend_lines(members: Sequence[PlannedSecret], options: PlanOptions) -> list[str]:
    cmds = [c for s in members for c in store_commands(s, options)]
    dynamic = [s for s in members if s.dynamic]
    lines = (
        ["Store the new value from a prompt or a file, never as an argument:", "", "```sh", *cmds, "```"]
        if cmds
        else []
    )
    if dynamic:
        names = ", ".join(f"`{s.env_var}` ({s.service})" for s in dynamic)
        lines += [""] if lines else []
        lines += [f"Nothing to store for {names}: Vault issues a credential per lease (see the plan's engine steps)."]
    return lines


def _roll_lines(members: Sequence[PlannedSecret], options: PlanOptions) -> list[str]:
    if options.target is Target.KUBERNETES:
        return [
            "- Let External Secrets sync the new version: `kubectl annotate externalsecret NAME -n NAMESPACE force-sync=$(date +%s) --overwrite`.",
            "- Restart the readers one replica at a time: `kubectl rollout restart deployment/NAME -n NAMESPACE && kubectl rollout status deployment/NAME -n NAMESPACE`.",
        ]
    if options.target is Target.CICD:
        return [
            "- Jobs fetch the secret at run time: the next run uses the new value; re-run the last deployment pipeline to roll running services."
        ]
    return [
        "- Restart instances one at a time behind the load balancer (or let the client library's cache expire: see snippets/)."
    ]


def index(groups: dict[str, tuple[Playbook, list[PlannedSecret]]], ctx: PlanContext) -> Artefact:
    rows = schedule.rows(ctx.secrets, ctx.options)
    lines = [
        "# Rotation runbooks",
        "",
        "## Rotation schedule",
        "",
        "| type | secrets | interval (days) | method | notify owner (days before) |",
        "|---|---|---|---|---|",
        *[
            f"| {r.type} | {r.count} | {r.interval_days} | {r.method} | {r.notification_lead_days or 'n/a'} |"
            for r in rows
        ],
        "",
        "## Which runbook for which secret",
        "",
        "| service | variable | type | rotation | runbook |",
        "|---|---|---|---|---|",
    ]
    for path, (book, members) in groups.items():
        for s in members:
            mode = f"{s.rotation.value} ({s.rotation_days} d)" if s.rotation is not RotationMode.DYNAMIC else "dynamic"
            lines.append(f"| {s.service} | `{s.env_var}` | {s.type} | {mode} | [{book.title}]({path}.md) |")
    lines.append("")
    return Artefact(
        "runbooks/README.md",
        "\n".join(lines),
        "runbook-index",
        "rotation schedule and the runbook for each secret",
        tuple(s.fingerprint for s in ctx.secrets),
    )
