"""CI/CD: Vault JWT roles for GitHub Actions and GitLab CI, and the workflow snippets, checked
with check-jsonschema's vendored SchemaStore schemas for GitHub workflows and GitLab CI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from artefact_fixtures import DATA, Scanned, by_path, context, leaked, scan_root, tool

from secretscan.remediation import cicd
from secretscan.remediation.model import Backend, PlanOptions, Target

CICD = PlanOptions(target=Target.CICD)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    """The shop test data in a git checkout whose origin is a GitHub repository."""
    root = tmp_path_factory.mktemp("checkout")
    shutil.copytree(DATA / "remediation" / "k8s", root / "k8s")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", "git@github.com:acme/shop.git"], check=True)
    return scan_root(root, tmp_path_factory.mktemp("cache"))


def test_only_for_the_cicd_target_and_vault(repo: Scanned) -> None:
    assert cicd.generate(context(repo)) == []
    assert cicd.generate(context(repo, PlanOptions(target=Target.CICD, backend=Backend.AWS))) == []


def test_roles_are_bound_to_the_repository_branch_and_audience(repo: Scanned) -> None:
    ctx = context(repo, CICD)
    arts = by_path(cicd.generate(ctx))
    services = sorted({ps.service for ps in ctx.secrets})
    for service in services:
        github = json.loads(arts[f"cicd/vault/roles/github-{service}.json"].content)
        assert github == {
            "role_type": "jwt",
            "user_claim": "repository",
            "bound_audiences": ["https://vault.example.com:8200"],
            "bound_claims_type": "string",
            "bound_claims": {"repository": "acme/shop", "ref": "refs/heads/main", "ref_type": "branch"},
            "token_policies": [f"ci-prod-{service}"],
            "token_ttl": "10m",
            "token_max_ttl": "20m",
            "token_type": "batch",
        }
        gitlab = json.loads(arts[f"cicd/vault/roles/gitlab-{service}.json"].content)
        assert gitlab["bound_claims"] == {"project_path": "acme/shop", "ref": "main", "ref_type": "branch", "ref_protected": "true"}
        assert gitlab["user_claim"] == "project_path" and gitlab["token_policies"] == [f"ci-prod-{service}"]
        policy = arts[f"cicd/vault/policies/ci-prod-{service}.hcl"].content
        own = sorted({ps.backend_path for ps in ctx.secrets if ps.service == service})
        assert re.findall(r'^path "([^"]+)" \{\n  capabilities = \["read"\]\n\}$', policy, re.MULTILINE) == own
    setup = arts["cicd/vault/setup-jwt-auth.sh"].content
    assert "oidc_discovery_url=https://token.actions.githubusercontent.com bound_issuer=https://token.actions.githubusercontent.com" in setup
    assert "oidc_discovery_url=https://gitlab.com bound_issuer=https://gitlab.com" in setup
    assert leaked(arts.values(), repo.revealed) == []


def test_without_a_remote_the_repository_is_a_placeholder(repo: Scanned) -> None:
    arts = cicd.generate(context(repo, CICD, with_root=False))
    role = json.loads(next(a for a in arts if "/roles/github-" in a.path).content)
    assert role["bound_claims"]["repository"] == "OWNER/REPOSITORY"


def test_github_workflow_reads_each_secret_with_vault_action(repo: Scanned, tmp_path: Path) -> None:
    ctx = context(repo, CICD)
    arts = by_path(cicd.generate(ctx))
    for service in sorted({ps.service for ps in ctx.secrets}):
        art = arts[f"cicd/github/{service}.yml"]
        doc = yaml.safe_load(art.content)
        assert doc["permissions"] == {"id-token": "write", "contents": "read"}
        step = doc["jobs"]["deploy"]["steps"][1]
        assert step["uses"] == "hashicorp/vault-action@v3"
        assert {k: step["with"][k] for k in ("method", "path", "role")} == {"method": "jwt", "path": "jwt-github", "role": f"ci-prod-{service}"}
        lines = [line for line in step["with"]["secrets"].splitlines() if line]
        members = [ps for ps in ctx.secrets if ps.service == service]
        assert sorted(line.split(" ")[0] for line in lines) == sorted(ps.backend_path for ps in members)
        assert all(re.fullmatch(r"secret/data/\S+ value \| [A-Z_][A-Z0-9_]* ;", line) for line in lines)
        check(art.path, art.content, "vendor.github-workflows", tmp_path)


def test_gitlab_job_uses_id_tokens_and_vault_secrets(repo: Scanned, tmp_path: Path) -> None:
    ctx = context(repo, CICD)
    arts = by_path(cicd.generate(ctx))
    for service in sorted({ps.service for ps in ctx.secrets}):
        art = arts[f"cicd/gitlab/{service}.gitlab-ci.yml"]
        job = yaml.safe_load(art.content)[f"deploy-{service}"]
        assert job["id_tokens"] == {"VAULT_ID_TOKEN": {"aud": "https://vault.example.com:8200"}}
        assert job["variables"]["VAULT_AUTH_ROLE"] == f"ci-prod-{service}" and job["variables"]["VAULT_AUTH_PATH"] == "jwt-gitlab"
        members = [ps for ps in ctx.secrets if ps.service == service]
        assert sorted(s["vault"] for s in job["secrets"].values()) == sorted(
            f"{ps.backend_path.removeprefix('secret/data/')}/value@secret" for ps in members
        )
        assert all(s["token"] == "$VAULT_ID_TOKEN" for s in job["secrets"].values())
        check(art.path, art.content, "vendor.gitlab-ci", tmp_path)


def check(name: str, content: str, schema: str, tmp_path: Path) -> None:
    """check-jsonschema with its vendored (offline) schema: a real validator of the snippet."""
    path = tmp_path / Path(name).name
    path.write_text(content)
    out = subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, str(path)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
