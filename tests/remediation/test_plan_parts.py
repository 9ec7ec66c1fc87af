"""Runbooks, snippets, purge lists, the plan's judgement sections and the generator registry."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from plan_fixtures import GITHUB, OLD_TOKEN, PG_URL, SHARED, STRIPE, fp, inventory, item, loc

from secretscan.errors import InternalError
from secretscan.remediation import design, purge, runbooks, snippets
from secretscan.remediation.build import make_plan
from secretscan.remediation.model import Artefact, Backend, PlanContext, PlanOptions, Target
from secretscan.remediation.planner import plan_secrets
from secretscan.remediation.registry import generate_all, lazy

AWS = item("aws", "secretscan.aws.access-key-id", "cloud_iam", loc("ops/upload.sh", 4), provider="AWS", rotation_days=1)
SSH = item(
    "ssh",
    "secretscan.private-key.openssh",
    "ssh_keys",
    loc("deploy/id_deploy", 1),
    provider="OpenSSH",
    rotation_days=365,
)
SLACK = item(
    "slack",
    "secretscan.slack.bot-token",
    "service_tokens",
    loc("app/settings.py", 9, "source-code", "python: SLACK_BOT_TOKEN"),
    provider="Slack",
)
ALL = (GITHUB, STRIPE, PG_URL, SHARED, OLD_TOKEN, AWS, SSH, SLACK)


def context(*items, **options) -> PlanContext:  # type: ignore[no-untyped-def]
    doc = inventory(*items)
    opts = PlanOptions(**options)
    return PlanContext(opts, plan_secrets(doc, opts), doc)


def test_one_runbook_per_provider_or_type_found() -> None:
    arts = {a.path: a for a in runbooks.generate(context(*ALL))}
    assert sorted(arts) == [
        "runbooks/README.md",
        "runbooks/providers/aws-iam-access-keys.md",
        "runbooks/providers/github-tokens.md",
        "runbooks/providers/slack-tokens.md",
        "runbooks/providers/stripe-keys.md",
        "runbooks/types/database-credentials.md",
        "runbooks/types/passwords.md",
        "runbooks/types/ssh-keys.md",
    ]
    assert arts["runbooks/providers/github-tokens.md"].fingerprints == (fp("api-github"), fp("old-token"))


def test_every_runbook_walks_the_same_eight_steps() -> None:
    for art in runbooks.generate(context(*ALL))[1:]:
        heads = [line for line in art.content.splitlines() if line.startswith("## ")]
        assert heads == [
            "## Secrets covered",
            "## 1. Owner",
            "## 2. Revoke now or after the roll?",
            "## 3. Issue the new value",
            "## 4. Update the backend",
            "## 5. Roll consumers without downtime",
            "## 6. Revoke the old value",
            "## 7. Verify the old value is dead",
            "## 8. Document",
        ], art.path


def test_runbooks_store_through_stdin_and_verify_without_arguments() -> None:
    arts = {a.path: a.content for a in runbooks.generate(context(*ALL))}
    github = arts["runbooks/providers/github-tokens.md"]
    assert "bin/stdin-secret.sh vault kv put -mount=secret prod/api/github-token value=-" in github
    assert "read -r -s -p 'old value: ' OLD" in github and "-K - https://api.github.com/user" in github
    assert "Nothing to store for `DATABASE_URL` (billing)" in arts["runbooks/types/database-credentials.md"]


def test_the_schedule_table() -> None:
    index = runbooks.generate(context(*ALL))[0].content
    table = [line for line in index.splitlines() if line.startswith("| ") and "secretscan" not in line][1:8]
    assert table == [
        "| api_keys | 1 | 180 | scheduled: a rotation job (or Vault's static database role) writes a new version, consumers re-read it | 14 |",
        "| cloud_iam | 1 | 1 | dynamic: Vault's aws secrets engine issues a credential per lease (TTL 1h, max 24h) and revokes it at expiry | n/a |",
        "| database_credentials | 1 | 30 | dynamic: Vault's database secrets engine issues a credential per lease (TTL 1h, max 24h) and revokes it at expiry | n/a |",
        "| passwords | 1 | 90 | scheduled: a rotation job (or Vault's static database role) writes a new version, consumers re-read it | 14 |",
        "| service_tokens | 3 | 90 | scheduled: a rotation job (or Vault's static database role) writes a new version, consumers re-read it | 14 |",
        "| ssh_keys | 1 | 365 | scheduled: a rotation job (or Vault's static database role) writes a new version, consumers re-read it | 30 |",
        "| service | variable | type | rotation | runbook |",
    ]


@pytest.mark.parametrize("backend", list(Backend))
def test_snippets_for_every_backend_are_filled_in(backend: Backend) -> None:
    arts = {a.path: a.content for a in snippets.generate(context(GITHUB, STRIPE, backend=backend))}
    assert sorted(arts) == [
        "snippets/README.md",
        "snippets/go/secrets.go",
        "snippets/java/SecretsClient.java",
        "snippets/node/secrets.js",
        "snippets/python/secrets_client.py",
    ]
    expected_path = {
        Backend.VAULT: "prod/api/github-token",
        Backend.AWS: "prod/api/github-token",
        Backend.AZURE: "prod-api-github-token",
        Backend.GCP: "prod-api-github-token",
    }[backend]
    for path, text in arts.items():
        assert re.findall(r"__[A-Z_]+__", text) == [], path
        if path != "snippets/README.md":
            assert expected_path in text, path
    compile(arts["snippets/python/secrets_client.py"], "secrets_client.py", "exec")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("backend", list(Backend))
def test_node_snippets_parse(backend: Backend, tmp_path: Path) -> None:
    (tmp_path / "s.js").write_text(
        next(a.content for a in snippets.generate(context(GITHUB, backend=backend)) if a.path.endswith(".js"))
    )
    assert subprocess.run(["node", "--check", str(tmp_path / "s.js")], capture_output=True, timeout=60).returncode == 0


def test_purge_lists_whole_files_and_versions() -> None:
    env = item(
        "env", "secretscan.github.pat", "service_tokens", loc(".env", 1, "dotenv", "GITHUB_TOKEN", blob="1" * 40)
    )
    example = item(
        "ex", "secretscan.github.pat", "service_tokens", loc(".env.example", 1, "dotenv", "GITHUB_TOKEN", blob="2" * 40)
    )
    key = item(
        "key",
        "secretscan.private-key.openssh",
        "ssh_keys",
        loc("deploy/id_ed25519", 1, blob="3" * 40),
        loc("k8s/app.yaml", 5, "kubernetes-secret", "Secret/x/y key=k", blob="4" * 40),
    )
    arts = {a.path: a.content for a in purge.generate(context(env, example, key))}
    assert arts["purge/paths.txt"] == ".env\ndeploy/id_ed25519\n"
    assert arts["purge/blob-ids.txt"] == f"{'2' * 40}\n{'4' * 40}\n"
    assert arts["purge/fingerprints.txt"] == f"{fp('env')}\n{fp('ex')}\n{fp('key')}\n"
    assert "working tree only" in arts["purge/README.md"] and "**Rotate first.**" in arts["purge/README.md"]


@pytest.mark.parametrize(
    ("path", "whole"),
    [
        (".env", True),
        ("app/.env.production", True),
        (".env.example", False),
        ("certs/server.key", True),
        ("id_rsa.pub", False),
        ("home/.docker/config.json", True),
        ("config/app.yaml", False),
        (".npmrc", True),
        ("deploy/id_deploy", True),
    ],
)
def test_which_files_hold_only_secrets(path: str, whole: bool) -> None:
    assert purge.is_secret_file(path) is whole


def test_dynamic_design_and_confidence() -> None:
    ctx = context(PG_URL, STRIPE, AWS, SHARED)
    assert design.dynamic_secret_design(ctx.secrets, ctx.options) == [
        {
            "type": "cloud_iam",
            "dynamic": True,
            "count": 1,
            "engine": "aws secrets engine",
            "mount": "aws/",
            "roles": ["prod-ops-aws"],
            "ttl": "1h",
            "max_ttl": "12h",
            "renewal": "cloud credentials are not renewed: clients read a new set before two thirds of the TTL",
            "revocation": "expire at the TTL; on compromise `vault lease revoke -prefix aws/creds/<role>` (and disable the role's cloud identity)",
        },
        {
            "type": "database_credentials",
            "dynamic": True,
            "count": 1,
            "engine": "database secrets engine (postgresql-database-plugin)",
            "mount": "database/",
            "roles": ["prod-billing-database-url"],
            "ttl": "1h",
            "max_ttl": "24h",
            "renewal": design._engine_design("database_credentials", "postgresql", ctx.secrets[:1], ctx.options)[
                "renewal"
            ],
            "revocation": design._engine_design("database_credentials", "postgresql", ctx.secrets[:1], ctx.options)[
                "revocation"
            ],
        },
    ]
    assert design.confidence(ctx.secrets, ctx.options, ctx.inventory, detected_target=False) == {
        "level": "low",
        "reasons": [
            "the inventory covers the working tree only: secrets removed earlier are not planned and the purge lists only the versions seen; plan with --history",
            "1 secret(s) were assigned to a service by their folder name, not by a workload: check the service names",
            "database hosts, names and application users are not in the inventory: the engine steps take them from PGHOST/PGDATABASE/DB_APP_USER",
            "some secrets have no Kubernetes namespace in their location: their auth roles use the namespace 'prod'",
            "1 credential(s) shared between services: splitting them needs the owners' decisions",
        ],
    }


def test_no_dynamic_design_when_the_backend_has_no_engine() -> None:
    ctx = context(PG_URL, backend=Backend.AZURE, target=Target.APPLICATION)
    assert design.dynamic_secret_design(ctx.secrets, ctx.options) == [
        {
            "type": "database_credentials",
            "dynamic": False,
            "count": 1,
            "reason": "azure-keyvault does not issue dynamic credentials: database_credentials rotated on a schedule (the backend's rotation) instead",
        }
    ]


def test_a_missing_generator_module_is_absent_but_a_broken_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lazy("secretscan.remediation.no_such_generator")(context(GITHUB)) == []
    (tmp_path / "broken_generator.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        lazy("broken_generator")(context(GITHUB))


def test_two_generators_writing_one_path_or_an_unsafe_path_is_a_bug() -> None:
    same = {"a": lambda ctx: [Artefact("x.txt", "", "k", "d")], "b": lambda ctx: [Artefact("x.txt", "", "k", "d")]}
    with pytest.raises(InternalError, match="generators a and b both write x.txt"):
        generate_all(context(GITHUB), same)
    for bad in ("../up.txt", "/etc/passwd", "plan.json"):
        with pytest.raises(InternalError, match="unsafe artefact path"):
            make_plan(
                inventory(GITHUB), PlanOptions(), generators={"bad": lambda ctx, p=bad: [Artefact(p, "", "k", "d")]}
            )


def test_a_cloud_key_pair_becomes_one_engine_role() -> None:
    import json

    from secretscan.remediation import vault

    secret_key = item(
        "aws2",
        "secretscan.aws.secret-access-key",
        "cloud_iam",
        loc("ops/upload.sh", 5),
        provider="AWS",
        rotation_days=1,
    )
    arts = {a.path: a for a in vault.generate(context(AWS, secret_key))}
    assert [p for p in arts if p.startswith("vault/aws/")] == ["vault/aws/prod-ops-aws.json"]
    assert json.loads(arts["vault/aws/prod-ops-aws.json"].content) == {
        "credential_type": "assumed_role",
        "role_arns": ["arn:aws:iam::AWS_ACCOUNT_ID:role/prod-ops-aws"],
        "default_sts_ttl": "1h",
        "max_sts_ttl": "12h",
    }
    assert arts["vault/aws/prod-ops-aws.json"].fingerprints == (fp("aws"), fp("aws2"))
    assert arts["vault/policies/prod-ops.hcl"].content.count('path "aws/creds/prod-ops-aws"') == 1


def test_missing_live_components_fail_in_ci_and_skip_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    from live_services import unavailable

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        unavailable("PostgreSQL is not installed")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        unavailable("PostgreSQL is not installed")
