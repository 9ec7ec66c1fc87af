"""The cloud secret managers as the backend: the name of each secret, the commands that create
it (value from standard input, never a command line), least-privilege access per service, and
the rotation schedule.

* AWS Secrets Manager: one IAM policy per service allowing ``GetSecretValue``/``DescribeSecret``
  on exactly its secrets' ARNs (``<name>-??????``: AWS appends six random characters to a
  secret's ARN, the six ``?`` match those and nothing else); rotation rules per secret.
* Azure Key Vault (RBAC): one "Key Vault Secrets User" role assignment per secret, scoped to
  that secret (not the vault), for the service's managed identity.
* GCP Secret Manager: one ``roles/secretmanager.secretAccessor`` binding per secret, on that
  secret (not the project), for the service's service account; rotation period and topic.

The ESO provider configuration for each is written by ``eso``. Account, subscription, project and
region are placeholders (``artefact_names.Site``), said so in each file.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from typing import Any

from secretscan.remediation.artefact_names import (
    SITE,
    Site,
    aws_secret_name,
    azure_secret_name,
    gcp_secret_id,
    gcp_service_account,
    service_account,
)
from secretscan.remediation.artefact_places import live_locations
from secretscan.remediation.artefact_render import json_text, shell_script
from secretscan.remediation.model import Artefact, Backend, PlanContext, PlannedSecret, PlanOptions, RotationMode

AWS_READ_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
AZURE_SECRETS_USER = "Key Vault Secrets User"
AZURE_SECRETS_USER_ID = "4633458b-17de-408a-b874-0445c86b69e6"  # built-in role definition id
GCP_ACCESSOR = "roles/secretmanager.secretAccessor"


def generate(ctx: PlanContext, site: Site = SITE) -> list[Artefact]:
    secrets = [ps for ps in ctx.secrets if live_locations(ps)]
    if ctx.options.backend is Backend.VAULT or not secrets:
        return []
    by_service: dict[str, list[PlannedSecret]] = {}
    for ps in secrets:
        for service in dict.fromkeys((ps.service, *ps.consumers)):
            by_service.setdefault(service, []).append(ps)
    if ctx.options.backend is Backend.AWS:
        return aws_artefacts(secrets, by_service, ctx.options, site)
    if ctx.options.backend is Backend.AZURE:
        return azure_artefacts(secrets, by_service, ctx.options, site)
    return gcp_artefacts(secrets, by_service, ctx.options, site)


def fps(secrets: Iterable[PlannedSecret]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ps.fingerprint for ps in secrets))


def rotation_days(ps: PlannedSecret) -> int | None:
    """Days between rotations on the backend's schedule (None: rotated by hand)."""
    return None if ps.rotation is RotationMode.MANUAL else max(1, ps.rotation_days)


# ---------------------------------------------------------------- AWS


def aws_policy(members: Iterable[PlannedSecret], site: Site) -> dict[str, Any]:
    arns = sorted({site.aws_secret_arn(aws_secret_name(ps)) for ps in members})
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "ReadOwnSecretsOnly", "Effect": "Allow", "Action": list(AWS_READ_ACTIONS), "Resource": arns}],
    }


def aws_artefacts(secrets: list[PlannedSecret], by_service: dict[str, list[PlannedSecret]], options: PlanOptions, site: Site) -> list[Artefact]:
    out = []
    for service, members in sorted(by_service.items()):
        out.append(
            Artefact(
                f"cloud/aws/iam-policy-{service_account(service)}.json",
                json_text(aws_policy(members, site)),
                "aws-iam-policy",
                f"IAM policy of {service}: read exactly its {len(members)} secret(s); attach it to role "
                f"{service_account(service)}-secrets-reader (IRSA) — account {site.aws_account} and region {site.aws_region} are placeholders",
                fps(members),
            )
        )
    create = ["# each value is read from standard input (type it, or pipe it from the old store): never an argument"]
    rotation: list[dict[str, Any]] = []
    for ps in sorted(secrets, key=aws_secret_name):
        name = aws_secret_name(ps)
        create.append(
            f"aws secretsmanager create-secret --region {site.aws_region} --name {shlex.quote(name)} "
            f"--description {shlex.quote(f'{ps.service}: {ps.name} ({ps.type})')} --secret-string file:///dev/stdin"
        )
        days = rotation_days(ps)
        rotation.append(
            {"SecretId": name, "RotationMode": ps.rotation.value, "RotationRules": {"AutomaticallyAfterDays": days} if days else None}
        )
    out.append(Artefact("cloud/aws/create-secrets.sh", shell_script(create, ["Creates the AWS Secrets Manager secrets of the plan."]),
                        "aws-secrets", "aws secretsmanager create-secret per secret, values from standard input", fps(secrets)))
    lines = [
        f"aws secretsmanager rotate-secret --region {site.aws_region} --secret-id {shlex.quote(r['SecretId'])} "
        f"--rotation-lambda-arn \"$ROTATION_LAMBDA_ARN\" --rotation-rules '{json.dumps(r['RotationRules'])}'"
        for r in rotation if r["RotationRules"]
    ]
    header = [
        "Rotation schedule: each secret rotated by a rotation Lambda (the AWS templates for RDS and other",
        "databases, or one per provider) every AutomaticallyAfterDays; set ROTATION_LAMBDA_ARN first.",
    ]
    out.append(Artefact("cloud/aws/rotation-schedule.json", json_text(rotation), "aws-rotation", "rotation rules per secret", fps(secrets)))
    out.append(Artefact("cloud/aws/enable-rotation.sh", shell_script(lines, header), "aws-rotation", "rotate-secret per scheduled secret", fps(secrets)))
    return out


# ---------------------------------------------------------------- Azure


def azure_scope(ps: PlannedSecret, options: PlanOptions, site: Site) -> str:
    return (
        f"/subscriptions/{site.azure_subscription}/resourceGroups/{site.azure_resource_group}"
        f"/providers/Microsoft.KeyVault/vaults/{site.azure_vault(options)}/secrets/{azure_secret_name(ps)}"
    )


def azure_assignments(by_service: dict[str, list[PlannedSecret]], options: PlanOptions, site: Site) -> list[dict[str, str]]:
    return [
        {
            "principal": f"{service_account(service)}-identity",
            "roleDefinitionName": AZURE_SECRETS_USER,
            "roleDefinitionId": AZURE_SECRETS_USER_ID,
            "scope": azure_scope(ps, options, site),
        }
        for service, members in sorted(by_service.items())
        for ps in sorted(members, key=azure_secret_name)
    ]


def azure_artefacts(secrets: list[PlannedSecret], by_service: dict[str, list[PlannedSecret]], options: PlanOptions, site: Site) -> list[Artefact]:
    vault = site.azure_vault(options)
    assignments = azure_assignments(by_service, options, site)
    create = [
        f"az keyvault secret set --vault-name {vault} --name {azure_secret_name(ps)} --file /dev/stdin"
        + (f" --expires \"$(date -u -d '+{rotation_days(ps)} days' +%Y-%m-%dT%H:%M:%SZ)\"" if rotation_days(ps) else "")
        for ps in sorted(secrets, key=azure_secret_name)
    ]
    create += [
        f"az role assignment create --role {shlex.quote(a['roleDefinitionName'])} "
        f"--assignee-object-id \"$(az identity show -g {site.azure_resource_group} -n {a['principal']} --query principalId -o tsv)\" "
        f"--assignee-principal-type ServicePrincipal --scope {shlex.quote(a['scope'])}"
        for a in assignments
    ]
    header = [
        f"Creates the Key Vault secrets of the plan in {vault} (RBAC mode), values from standard input, with an",
        "expiry at the rotation date (Event Grid's SecretNearExpiry starts the rotation), then one role",
        "assignment per secret and service identity. Subscription and resource group are placeholders.",
    ]
    return [
        Artefact("cloud/azure/role-assignments.json", json_text(assignments), "azure-role-assignments",
                 f"{AZURE_SECRETS_USER} per secret, scoped to that secret, for each service identity", fps(secrets)),
        Artefact("cloud/azure/create-secrets.sh", shell_script(create, header), "azure-secrets",
                 "az keyvault secret set per secret and az role assignment create per binding", fps(secrets)),
    ]


# ---------------------------------------------------------------- GCP


def gcp_bindings(by_service: dict[str, list[PlannedSecret]], site: Site) -> list[dict[str, Any]]:
    members: dict[str, set[str]] = {}
    for service, secrets in by_service.items():
        for ps in secrets:
            members.setdefault(gcp_secret_id(ps), set()).add(
                f"serviceAccount:{gcp_service_account(service)}@{site.gcp_project}.iam.gserviceaccount.com"
            )
    return [
        {"resource": f"projects/{site.gcp_project}/secrets/{sid}", "bindings": [{"role": GCP_ACCESSOR, "members": sorted(who)}]}
        for sid, who in sorted(members.items())
    ]


def gcp_artefacts(secrets: list[PlannedSecret], by_service: dict[str, list[PlannedSecret]], options: PlanOptions, site: Site) -> list[Artefact]:
    bindings = gcp_bindings(by_service, site)
    lines = []
    for ps in sorted(secrets, key=gcp_secret_id):
        days = rotation_days(ps)
        rotation = (
            f" --rotation-period={days * 86400}s --next-rotation-time=\"$(date -u -d '+{days} days' +%Y-%m-%dT%H:%M:%SZ)\""
            f" --topics=projects/{site.gcp_project}/topics/secret-rotation"
            if days else ""
        )
        lines.append(f"gcloud secrets create {gcp_secret_id(ps)} --project {site.gcp_project} --replication-policy=automatic --data-file=-{rotation}")
    for b in bindings:
        sid = b["resource"].rsplit("/", 1)[1]
        lines += [
            f"gcloud secrets add-iam-policy-binding {sid} --project {site.gcp_project} --member={m} --role={GCP_ACCESSOR}"
            for m in b["bindings"][0]["members"]
        ]
    header = [
        "Creates the Secret Manager secrets of the plan, values from standard input (--data-file=-), with a",
        "rotation period whose notifications go to the Pub/Sub topic secret-rotation, then binds each",
        f"service account to exactly its secrets. Project {site.gcp_project} is a placeholder.",
    ]
    return [
        Artefact("cloud/gcp/iam-bindings.json", json_text(bindings), "gcp-iam-bindings",
                 f"{GCP_ACCESSOR} per secret, on that secret, for each service account", fps(secrets)),
        Artefact("cloud/gcp/create-secrets.sh", shell_script(lines, header), "gcp-secrets",
                 "gcloud secrets create per secret, with rotation, and one binding per accessor", fps(secrets)),
    ]
