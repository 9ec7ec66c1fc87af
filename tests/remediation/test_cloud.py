"""Cloud backends: IAM policies scoped to exactly the secrets' ARNs (checked by parliament, an
offline IAM policy linter), Key Vault role assignments and Secret Manager bindings per secret."""

from __future__ import annotations

import json
import re

import pytest
from artefact_fixtures import DATA, FIXTURES, Scanned, by_path, context, leaked, shared_scan
from parliament import analyze_policy_string

from secretscan.remediation import cloud
from secretscan.remediation.artefact_names import gcp_service_account
from secretscan.remediation.model import Backend, PlanOptions, RotationMode

ACCOUNT, REGION = "111122223333", "us-east-1"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"k8s": DATA / "remediation" / "k8s", "spring": FIXTURES / "spring"})


def services(ctx):  # type: ignore[no-untyped-def]
    out: dict[str, list] = {}  # type: ignore[type-arg]
    for ps in ctx.secrets:
        out.setdefault(ps.service, []).append(ps)
    return out


def logical(ps) -> str:  # type: ignore[no-untyped-def]
    return ps.backend_path.removeprefix("secret/data/")


def test_nothing_for_vault(scanned: Scanned) -> None:
    assert cloud.generate(context(scanned)) == []


def test_aws_policies_allow_reading_exactly_each_service_secrets(scanned: Scanned) -> None:
    ctx = context(scanned, PlanOptions(backend=Backend.AWS))
    arts = by_path(cloud.generate(ctx))
    by_service = services(ctx)
    assert {p for p in arts if p.startswith("cloud/aws/iam-policy-")} == {f"cloud/aws/iam-policy-{s}.json" for s in by_service}
    for service, members in by_service.items():
        text = arts[f"cloud/aws/iam-policy-{service}.json"].content
        policy = json.loads(text)
        assert policy == {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "ReadOwnSecretsOnly",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": sorted(f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{logical(ps)}-??????" for ps in members),
            }],
        }  # fmt: skip
        assert "*" not in text
        findings = analyze_policy_string(text).findings
        assert [(f.issue, f.detail) for f in findings] == [], service


def test_aws_secrets_are_created_from_stdin_and_rotated_on_schedule(scanned: Scanned) -> None:
    ctx = context(scanned, PlanOptions(backend=Backend.AWS))
    arts = by_path(cloud.generate(ctx))
    create = arts["cloud/aws/create-secrets.sh"].content
    names = re.findall(r"--name (\S+) .* --secret-string file:///dev/stdin$", create, re.MULTILINE)
    assert sorted(names) == sorted(logical(ps) for ps in ctx.secrets)
    schedule = json.loads(arts["cloud/aws/rotation-schedule.json"].content)
    assert {r["SecretId"]: r["RotationRules"] for r in schedule} == {
        logical(ps): ({"AutomaticallyAfterDays": ps.rotation_days} if ps.rotation is not RotationMode.MANUAL else None) for ps in ctx.secrets
    }
    assert leaked(arts.values(), scanned.revealed) == []


def test_parliament_does_reject_a_mis_scoped_policy() -> None:
    """The linter the test relies on does fail a wrong policy."""
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": ["arn:aws:s3:::b"]}]}
    assert [f.issue for f in analyze_policy_string(json.dumps(bad)).findings] == ["RESOURCE_MISMATCH"]


def test_azure_one_secrets_user_assignment_per_secret_and_identity(scanned: Scanned) -> None:
    ctx = context(scanned, PlanOptions(backend=Backend.AZURE))
    arts = by_path(cloud.generate(ctx))
    assignments = json.loads(arts["cloud/azure/role-assignments.json"].content)
    prefix = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-secrets/providers/Microsoft.KeyVault/vaults/kv-prod-apps/secrets/"
    expected = {(f"{ps.service}-identity", prefix + logical(ps).replace("/", "-")) for ps in ctx.secrets}
    assert {(a["principal"], a["scope"]) for a in assignments} == expected
    assert len(assignments) == len(expected)
    assert {(a["roleDefinitionName"], a["roleDefinitionId"]) for a in assignments} == {
        ("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6")
    }
    script = arts["cloud/azure/create-secrets.sh"].content
    assert len([line for line in script.splitlines() if line.startswith("az keyvault secret set") and " --file /dev/stdin" in line]) == len(ctx.secrets)
    assert script.count("az role assignment create --role 'Key Vault Secrets User'") == len(expected)


def test_gcp_one_accessor_binding_per_secret(scanned: Scanned) -> None:
    ctx = context(scanned, PlanOptions(backend=Backend.GCP))
    arts = by_path(cloud.generate(ctx))
    bindings = json.loads(arts["cloud/gcp/iam-bindings.json"].content)
    assert bindings == [
        {
            "resource": f"projects/example-project/secrets/{logical(ps).replace('/', '-')}",
            "bindings": [{
                "role": "roles/secretmanager.secretAccessor",
                "members": [f"serviceAccount:{gcp_service_account(ps.service)}@example-project.iam.gserviceaccount.com"],
            }],
        }
        for ps in sorted(ctx.secrets, key=lambda p: logical(p).replace("/", "-"))
    ]  # fmt: skip
    for b in bindings:
        account = b["bindings"][0]["members"][0].split(":", 1)[1].split("@")[0]
        assert re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", account), account  # a valid service account id
    script = arts["cloud/gcp/create-secrets.sh"].content
    assert len([line for line in script.splitlines() if line.startswith("gcloud secrets create") and " --data-file=-" in line]) == len(ctx.secrets)
    assert leaked(arts.values(), scanned.revealed) == []
