"""CI/CD without stored secrets (``--target cicd``): each job proves who it is with the CI
system's OIDC token and reads its secrets from Vault at job time, so no long-lived secret lives
in the CI system's settings.

* Vault JWT auth, one mount per CI system: ``jwt-github`` trusting GitHub Actions' issuer,
  ``jwt-gitlab`` trusting GitLab's; per service one role bound to the repository and the
  protected branch (``bound_claims``), to Vault as the audience (``bound_audiences``), naming the
  entity by ``user_claim``, issuing short tokens with a read-only policy (``token_policies``)
  listing exactly that service's paths.
* The workflow snippets: ``hashicorp/vault-action`` with ``method: jwt`` for GitHub Actions
  (``permissions: id-token: write``); GitLab's ``id_tokens`` and ``secrets: vault:``.

The repository (``owner/name``) is read from the scanned checkout's ``origin`` remote when the
plan knows where it is, else a placeholder; the branch is ``main`` unless the plan says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from secretscan.remediation.artefact_names import SITE, Site, env_name, kv_mount_and_key
from secretscan.remediation.artefact_places import live_locations, source_root
from secretscan.remediation.artefact_render import comment, json_text, shell_script, yaml_doc
from secretscan.remediation.model import Artefact, Backend, PlanContext, PlannedSecret, PlanOptions, Target

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GITLAB_ISSUER = "https://gitlab.com"
TOKEN_TTL = "10m"
TOKEN_MAX_TTL = "20m"
_REMOTE = re.compile(r"^\s*url\s*=\s*(?:\S+@|https?://(?:[^@/\s]+@)?)?(?P<host>[^:/\s]+)[:/](?P<path>[^\s]+?)(?:\.git)?/?\s*$", re.MULTILINE)


def generate(ctx: PlanContext, site: Site = SITE) -> list[Artefact]:
    secrets = [ps for ps in ctx.secrets if live_locations(ps)]
    if ctx.options.target is not Target.CICD or ctx.options.backend is not Backend.VAULT or not secrets:
        return []
    site = replace(site, repository=repository_of(ctx) or site.repository)
    by_service: dict[str, list[PlannedSecret]] = {}
    for ps in secrets:
        by_service.setdefault(ps.service, []).append(ps)
    out = [auth_script(by_service, ctx.options, site)]
    for service, members in sorted(by_service.items()):
        out += service_artefacts(service, members, ctx.options, site)
    return out


def repository_of(ctx: PlanContext) -> str | None:
    """``owner/name`` of the scanned checkout's origin remote (from .git/config, no git call)."""
    root = source_root(ctx)
    config = root / ".git" / "config" if root is not None else None
    if config is None or not config.is_file():
        return None
    text = config.read_text(encoding="utf-8", errors="replace")
    section = re.search(r'\[remote "origin"\](?P<body>[^\[]*)', text)
    m = _REMOTE.search(section.group("body")) if section else None
    return m.group("path") if m else None


def policy_name(service: str, options: PlanOptions) -> str:
    return f"ci-{options.environment}-{service}"


def read_path(ps: PlannedSecret) -> str:
    """The API path a KV v2 read uses (what the policy must allow)."""
    mount, key = kv_mount_and_key(ps)
    return ps.dynamic_path if ps.dynamic and ps.dynamic_path else f"{mount}/data/{key}"


def policy_hcl(service: str, members: list[PlannedSecret]) -> str:
    blocks = [f'# CI jobs of {service}: read these secrets, nothing else.']
    blocks += [f'path "{path}" {{\n  capabilities = ["read"]\n}}' for path in sorted({read_path(ps) for ps in members})]
    return "\n\n".join(blocks) + "\n"


def github_role(service: str, options: PlanOptions, site: Site) -> dict[str, Any]:
    return {
        "role_type": "jwt",
        "user_claim": "repository",
        "bound_audiences": [site.vault_addr],
        "bound_claims_type": "string",
        "bound_claims": {"repository": site.repository, "ref": f"refs/heads/{site.branch}", "ref_type": "branch"},
        "token_policies": [policy_name(service, options)],
        "token_ttl": TOKEN_TTL,
        "token_max_ttl": TOKEN_MAX_TTL,
        "token_type": "batch",
    }


def gitlab_role(service: str, options: PlanOptions, site: Site) -> dict[str, Any]:
    return {
        "role_type": "jwt",
        "user_claim": "project_path",
        "bound_audiences": [site.vault_addr],
        "bound_claims_type": "string",
        "bound_claims": {"project_path": site.repository, "ref": site.branch, "ref_type": "branch", "ref_protected": "true"},
        "token_policies": [policy_name(service, options)],
        "token_ttl": TOKEN_TTL,
        "token_max_ttl": TOKEN_MAX_TTL,
        "token_type": "batch",
    }


def auth_script(by_service: dict[str, list[PlannedSecret]], options: PlanOptions, site: Site) -> Artefact:
    lines = [
        "vault auth enable -path=jwt-github jwt",
        f"vault write auth/jwt-github/config oidc_discovery_url={GITHUB_ISSUER} bound_issuer={GITHUB_ISSUER}",
        "vault auth enable -path=jwt-gitlab jwt",
        f"vault write auth/jwt-gitlab/config oidc_discovery_url={GITLAB_ISSUER} bound_issuer={GITLAB_ISSUER}",
        "",
    ]
    for service in sorted(by_service):
        name = policy_name(service, options)
        lines += [
            f"vault policy write {name} cicd/vault/policies/{name}.hcl",
            f"vault write auth/jwt-github/role/{name} @cicd/vault/roles/github-{service}.json",
            f"vault write auth/jwt-gitlab/role/{name} @cicd/vault/roles/gitlab-{service}.json",
        ]
    header = [
        "Vault JWT auth for CI: GitHub Actions and GitLab CI log in with their job's OIDC token.",
        "Run from the plan folder with a Vault admin token. Self-managed GitLab: use its URL as the issuer.",
        f"Placeholders: Vault {site.vault_addr}, repository {site.repository}, branch {site.branch}.",
    ]
    return Artefact("cicd/vault/setup-jwt-auth.sh", shell_script(lines, header), "cicd-vault-auth",
                    "Vault JWT auth mounts for GitHub Actions and GitLab CI, with a role and policy per service")


def service_artefacts(service: str, members: list[PlannedSecret], options: PlanOptions, site: Site) -> list[Artefact]:
    fps = tuple(ps.fingerprint for ps in members)
    name = policy_name(service, options)
    return [
        Artefact(f"cicd/vault/policies/{name}.hcl", policy_hcl(service, members), "vault-policy",
                 f"CI read-only policy of {service}: exactly its {len(members)} secret path(s)", fps),
        Artefact(f"cicd/vault/roles/github-{service}.json", json_text(github_role(service, options, site)), "cicd-vault-role",
                 f"auth/jwt-github/role/{name}: repository {site.repository}, branch {site.branch}", fps),
        Artefact(f"cicd/vault/roles/gitlab-{service}.json", json_text(gitlab_role(service, options, site)), "cicd-vault-role",
                 f"auth/jwt-gitlab/role/{name}: project {site.repository}, protected branch {site.branch}", fps),
        github_workflow(service, members, options, site, fps),
        gitlab_job(service, members, options, site, fps),
    ]


def job_envs(members: list[PlannedSecret]) -> list[tuple[str, PlannedSecret]]:
    seen: dict[str, PlannedSecret] = {}
    for ps in members:
        var = env_name(ps.env_var)
        while var in seen and seen[var] is not ps:
            var += "_2"
        seen[var] = ps
    return sorted(seen.items())


def github_workflow(service: str, members: list[PlannedSecret], options: PlanOptions, site: Site, fps: tuple[str, ...]) -> Artefact:
    secrets = "".join(f"{read_path(ps)} {ps.backend_key} | {var} ;\n" for var, ps in job_envs(members))
    doc = {
        "name": f"{service} (secrets from Vault)",
        "on": {"push": {"branches": [site.branch]}},
        "permissions": {"id-token": "write", "contents": "read"},
        "jobs": {
            "deploy": {
                "runs-on": "ubuntu-latest",
                "steps": [
                    {"uses": "actions/checkout@v4"},
                    {
                        "name": "Read secrets from Vault (OIDC, no stored secret)",
                        "uses": "hashicorp/vault-action@v3",
                        "with": {
                            "url": site.vault_addr,
                            "method": "jwt",
                            "path": "jwt-github",
                            "role": policy_name(service, options),
                            "jwtGithubAudience": site.vault_addr,
                            "secrets": secrets,
                        },
                    },
                    {"name": "Deploy", "run": "./deploy.sh  # the secrets are in the environment of the following steps"},
                ],
            }
        },
    }
    header = [f"GitHub Actions job of {service}: its secrets read from Vault at job time. Merge into .github/workflows/."]
    return Artefact(f"cicd/github/{service}.yml", comment(header) + yaml_doc(doc), "cicd-workflow",
                    f"GitHub Actions workflow of {service} reading its secrets with hashicorp/vault-action", fps)


def gitlab_job(service: str, members: list[PlannedSecret], options: PlanOptions, site: Site, fps: tuple[str, ...]) -> Artefact:
    secrets: dict[str, Any] = {}
    for var, ps in job_envs(members):
        mount, key = kv_mount_and_key(ps)
        secrets[var] = {"vault": f"{key}/{ps.backend_key}@{mount}", "token": "$VAULT_ID_TOKEN", "file": False}
    doc = {
        f"deploy-{service}": {
            "stage": "deploy",
            "image": "alpine:3.20",
            "variables": {"VAULT_SERVER_URL": site.vault_addr, "VAULT_AUTH_PATH": "jwt-gitlab", "VAULT_AUTH_ROLE": policy_name(service, options)},
            "id_tokens": {"VAULT_ID_TOKEN": {"aud": site.vault_addr}},
            "secrets": secrets,
            "script": ["./deploy.sh"],
            "rules": [{"if": f'$CI_COMMIT_BRANCH == "{site.branch}"'}],
        }
    }
    header = [f"GitLab CI job of {service}: its secrets read from Vault at job time (Premium: secrets:vault). Merge into .gitlab-ci.yml."]
    return Artefact(f"cicd/gitlab/{service}.gitlab-ci.yml", comment(header) + yaml_doc(doc), "cicd-workflow",
                    f"GitLab CI job of {service} reading its secrets with id_tokens and secrets:vault", fps)
