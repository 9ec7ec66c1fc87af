"""The plan's Vault configuration applied to a real Vault-API server (OpenBao in dev mode):
policies accepted and least-privilege, auth roles, break-glass, audit, secret loading from
stdin, and the Python and Node.js snippets reading through a service's own token."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import hvac
import hvac.exceptions
import pytest
from plan_fixtures import GITHUB, OLD_TOKEN, PG_URL, SHARED, STRIPE, inventory, plan_in

from secretscan.remediation.model import PlanOptions, Target

VALUE = "tok-Zq8#w 'quoted' $HOME\\n-end"  # shell-hostile on purpose: stdin carries it untouched


def run(cmd: str, cwd: Path, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", cmd], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def service_token(client: hvac.Client, policy: str) -> str:
    return str(client.auth.token.create(policies=[policy], ttl="10m")["auth"]["client_token"])


def capabilities(bao, token: str, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What ``token`` may do at ``path``, as the server decides it."""
    return list(bao.client(token).adapter.post("/v1/sys/capabilities-self", json={"paths": [path]})["capabilities"])


@pytest.fixture(scope="module")
def applied(openbao, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A plan for two Kubernetes services, applied with its own vault/apply.sh."""
    doc = inventory(GITHUB, STRIPE, PG_URL, SHARED, OLD_TOKEN)
    plan, folder = plan_in(tmp_path_factory.mktemp("vault-plan") / "plan", doc, PlanOptions())
    res = run("vault/apply.sh && vault/apply.sh", folder, openbao.env())  # idempotent: twice
    assert res.returncode == 0, res.stderr
    return plan, folder


def test_every_policy_file_is_accepted_verbatim(openbao, applied) -> None:  # type: ignore[no-untyped-def]
    _, folder = applied
    client = openbao.client()
    files = {p.stem: p.read_text() for p in (folder / "vault/policies").glob("*.hcl")}
    assert set(files) == {"prod-api", "prod-billing", "break-glass-prod", "break-glass-prod-issuer"}
    for name, text in files.items():
        assert client.sys.read_policy(name)["data"]["rules"] == text


def test_policies_list_exact_paths(applied) -> None:  # type: ignore[no-untyped-def]
    _, folder = applied
    api = (folder / "vault/policies/prod-api.hcl").read_text()
    billing = (folder / "vault/policies/prod-billing.hcl").read_text()
    path_lines = lambda text: [line for line in text.splitlines() if line.startswith("path ")]  # noqa: E731
    assert path_lines(api) == [
        'path "secret/data/prod/api/github-token" {',
        'path "secret/data/prod/api/smtp-password" {',
    ]
    assert path_lines(billing) == [
        'path "secret/data/prod/billing/stripe-key" {',
        'path "database/creds/prod-billing-database-url" {',
        'path "database/static-creds/prod-billing-database-url-static" {',
        'path "secret/data/prod/api/smtp-password" {',
    ]
    assert "history" not in api and "scripts" not in api  # a history-only secret gets no place in Vault


def test_a_service_token_reads_its_own_path_and_is_denied_the_others(openbao, applied) -> None:  # type: ignore[no-untyped-def]
    _, folder = applied
    root = openbao.client()
    for path in ("prod/api/github-token", "prod/billing/stripe-key"):
        res = run(
            f"bin/stdin-secret.sh vault kv put -mount=secret {path} value=-", folder, openbao.env(), stdin=VALUE + path
        )
        assert res.returncode == 0, res.stderr
    api = service_token(root, "prod-api")
    assert capabilities(openbao, api, "secret/data/prod/api/github-token") == ["read"]
    assert capabilities(openbao, api, "secret/data/prod/billing/stripe-key") == ["deny"]
    assert capabilities(openbao, api, "secret/metadata/prod/api/github-token") == ["deny"]
    assert capabilities(openbao, api, "sys/policy/prod-api") == ["deny"]
    reader = openbao.client(api).secrets.kv.v2
    assert reader.read_secret_version("prod/api/github-token", mount_point="secret", raise_on_deleted_version=True)[
        "data"
    ]["data"] == {"value": VALUE + "prod/api/github-token"}
    with pytest.raises(hvac.exceptions.Forbidden):
        reader.read_secret_version("prod/billing/stripe-key", mount_point="secret", raise_on_deleted_version=True)
    with pytest.raises(hvac.exceptions.Forbidden):
        reader.create_or_update_secret("prod/api/github-token", secret={"value": "x"}, mount_point="secret")


def test_kv_metadata_records_owner_and_interval(openbao, applied) -> None:  # type: ignore[no-untyped-def]
    meta = openbao.client().secrets.kv.v2.read_secret_metadata("prod/billing/stripe-key", mount_point="secret")["data"]
    assert meta["custom_metadata"] == {"owner": "billing", "type": "api_keys", "rotation_days": "180"}
    assert meta["max_versions"] == 10


def test_kubernetes_roles_bind_each_service_account_to_its_policy(openbao, applied) -> None:  # type: ignore[no-untyped-def]
    client = openbao.client()
    api = client.read("auth/kubernetes/role/prod-api")["data"]
    billing = client.read("auth/kubernetes/role/prod-billing")["data"]
    assert (api["bound_service_account_names"], api["bound_service_account_namespaces"], api["token_policies"]) == (
        ["api"],
        ["prod"],
        ["prod-api"],
    )
    assert (
        billing["bound_service_account_names"],
        billing["bound_service_account_namespaces"],
        billing["token_policies"],
    ) == (["billing"], ["payments"], ["prod-billing"])
    assert (api["token_ttl"], api["token_max_ttl"]) == (3600, 14400)


def test_break_glass_tokens_are_short_lived_and_issued_only_through_the_role(openbao, applied) -> None:  # type: ignore[no-untyped-def]
    root = openbao.client()
    issuer = openbao.client(service_token(root, "break-glass-prod-issuer"))
    made = issuer.auth.token.create(role_name="break-glass-prod", ttl="15m", meta={"incident": "INC-1"})["auth"]
    assert made["policies"] == ["break-glass-prod", "default"]  # default: look itself up, revoke itself
    assert made["lease_duration"] == 900 and made["renewable"] is False
    info = root.auth.token.lookup(made["client_token"])["data"]
    assert info["orphan"] is True and info["meta"] == {"incident": "INC-1"}
    assert (
        issuer.auth.token.create(role_name="break-glass-prod", ttl="8h")["auth"]["lease_duration"] == 3600
    )  # hard limit
    assert capabilities(openbao, made["client_token"], "secret/data/prod/billing/stripe-key") == [
        "create",
        "read",
        "update",
    ]
    assert capabilities(openbao, made["client_token"], "secret/data/staging/billing/stripe-key") == ["deny"]
    assert capabilities(openbao, made["client_token"], "sys/policy/prod-api") == ["deny"]
    assert capabilities(openbao, made["client_token"], "auth/token/revoke-self") == ["update"]
    with pytest.raises(hvac.exceptions.Forbidden):
        issuer.auth.token.create(policies=["prod-billing"], ttl="15m")  # the issuer can mint nothing else


def test_the_audit_device_logs_requests_with_values_hashed(openbao, applied) -> None:  # type: ignore[no-untyped-def]
    assert openbao.client().sys.list_enabled_audit_devices()["data"]["file/"]["options"] == {
        "file_path": str(openbao.audit_log),
        "mode": "0600",
        "log_raw": "false",
    }
    text = openbao.audit_log.read_text()
    entries = [json.loads(line) for line in text.splitlines()]
    assert any(e["type"] == "request" and e["request"]["path"] == "secret/data/prod/api/github-token" for e in entries)
    assert VALUE not in text and "Zq8#w" not in text


def test_stdin_loader_from_a_pipe_stores_the_bytes_exactly(openbao, applied) -> None:  # type: ignore[no-untyped-def]
    _, folder = applied
    pem = "-----BEGIN TEST-----\nline two\n-----END TEST-----\n"
    res = run(
        "bin/stdin-secret.sh vault kv put -mount=secret prod/api/smtp-password value=-",
        folder,
        openbao.env(),
        stdin=pem,
    )
    assert res.returncode == 0, res.stderr
    got = openbao.client().secrets.kv.v2.read_secret_version(
        "prod/api/smtp-password", mount_point="secret", raise_on_deleted_version=True
    )
    assert got["data"]["data"] == {"value": pem}
    assert run("bin/stdin-secret.sh", folder, openbao.env()).returncode == 2


def test_approle_roles_for_the_application_target(openbao, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, folder = plan_in(
        tmp_path / "plan", inventory(GITHUB), PlanOptions(target=Target.APPLICATION, environment="staging")
    )
    res = run("vault/apply.sh", folder, openbao.env())
    assert res.returncode == 0, res.stderr
    client = openbao.client()
    role_id = client.auth.approle.read_role_id("staging-api")["data"]["role_id"]
    secret_id = client.auth.approle.generate_secret_id("staging-api")["data"]["secret_id"]
    login = openbao.client("").auth.approle.login(role_id=role_id, secret_id=secret_id)["auth"]
    assert login["token_policies"] == ["default", "staging-api"]
    with pytest.raises(hvac.exceptions.InvalidRequest):  # single-use secret id
        openbao.client("").auth.approle.login(role_id=role_id, secret_id=secret_id)


def _store(openbao, path: str, value: str) -> None:  # type: ignore[no-untyped-def]
    openbao.client().secrets.kv.v2.create_or_update_secret(path, secret={"value": value}, mount_point="secret")


def test_python_snippet_reads_with_the_service_token_and_caches(openbao, applied, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, folder = applied
    _store(openbao, "prod/api/github-token", "first")
    monkeypatch.setenv("VAULT_ADDR", openbao.addr)
    monkeypatch.setenv("VAULT_TOKEN", service_token(openbao.client(), "prod-api"))
    monkeypatch.syspath_prepend(str(folder / "snippets/python"))
    sys.modules.pop("secrets_client", None)
    import secrets_client

    reader = secrets_client.SecretReader(ttl=60)
    assert reader.get("prod/api/github-token") == "first"
    _store(openbao, "prod/api/github-token", "second")
    assert reader.get("prod/api/github-token") == "first"  # served from the cache
    assert secrets_client.SecretReader(ttl=0).get("prod/api/github-token") == "second"
    with pytest.raises(hvac.exceptions.Forbidden):
        reader.get("prod/billing/stripe-key")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_snippet_reads_with_the_service_token(openbao, applied) -> None:  # type: ignore[no-untyped-def]
    _, folder = applied
    _store(openbao, "prod/api/github-token", "from-node")
    script = (
        "const {SecretReader}=require('./snippets/node/secrets.js');"
        "const r=new SecretReader();"
        "r.get('prod/api/github-token').then(async v=>{const w=await r.get('prod/api/github-token');process.stdout.write(v+'|'+w)})"
        ".catch(e=>{process.stderr.write(String(e.status));process.exit(3)})"
    )
    env = openbao.env(VAULT_TOKEN=service_token(openbao.client(), "prod-api"))
    res = subprocess.run(["node", "-e", script], cwd=folder, env=env, capture_output=True, text=True, timeout=60)
    assert (res.returncode, res.stdout) == (0, "from-node|from-node"), res.stderr
    denied = subprocess.run(
        ["node", "-e", script.replace("prod/api/github-token", "prod/billing/stripe-key")],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (denied.returncode, denied.stderr) == (3, "403")


def test_apply_refuses_when_no_audit_device_can_be_enabled(openbao, applied, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On a server without the declarative device OpenBao refuses API-enabled audit: apply.sh stops
    there rather than configuring an unaudited Vault (simulated: a fake `vault audit list`)."""
    _, folder = applied
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "vault").write_text(
        f'#!/bin/sh\nif [ "$1" = audit ]; then [ "$2" = list ] && echo "{{}}" && exit 0; exit 2; fi\nexec {openbao.binary} "$@"\n'
    )
    (fake / "vault").chmod(0o755)
    env = openbao.env()
    env["PATH"] = f"{fake}:{env['PATH']}"
    started = time.monotonic()
    res = run("vault/apply.sh", folder, env)
    assert res.returncode == 2 and time.monotonic() - started < 60


def test_every_policy_of_a_large_plan_is_accepted(openbao, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The plan of every bundled fixture (dozens of services, database and AWS engine paths)."""
    from conftest import FIXTURES

    res = subprocess.run(
        [sys.executable, "-m", "secretscan", "plan", str(FIXTURES), "-o", str(tmp_path / "out"), "--environment", "qa"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    policies = sorted((tmp_path / "out/vault/policies").glob("*.hcl"))
    assert len(policies) >= 10
    client = openbao.client()
    for path in policies:
        client.sys.create_or_update_policy(path.stem, path.read_text())
        assert client.sys.read_policy(path.stem)["data"]["rules"] == path.read_text()
    text = "".join(p.read_text() for p in policies)
    assert 'path "aws/creds/qa-' in text and 'path "database/creds/qa-' in text
