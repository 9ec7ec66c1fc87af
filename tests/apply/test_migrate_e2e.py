"""End to end on a repository of Kubernetes services and Spring apps: scan, plan, migrate against
a real OpenBao (dev mode, private) and the throwaway PostgreSQL; then every value is in Vault and
reads back, each service's policy reads its own paths and is refused the others', the rewritten
manifests validate, a new scan finds no hard-coded secret, and the diff touches only the values.
Faults: Vault stopped midway (nothing rewritten, --resume completes), a value already in Vault
that differs (reported, not overwritten), a file changed between plan and fix (left untouched)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hvac
import hvac.exceptions
import kubernetes_validate
import pytest
import yaml
from artefact_fixtures import eso_errors
from live_services import Bao, Pg, clean_env, openbao_server, postgres  # noqa: F401 - session fixture

from secretscan.apply import vault_apply
from secretscan.apply.journal import NAME, journal_dir
from secretscan.cli.apply_support import prepare
from secretscan.cli.main import cli
from secretscan.remediation.model import PlanOptions, Target

K8S_VERSION = kubernetes_validate.latest_version()
STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dcTq2Xb9"
GITHUB = "ghp_R8kLm2Qp7Zx4Vb9Nc3Wd6Yf1Hg5Js0Ta8Ue2"
ORDERS_DB = "Tq9vX2mLr8KzW4pB"
INVENTORY_DB = "Vq7kP2mLx9wR4zNc"
SHOP_OWNER = "Sh0p-Owner-Pw-4kZ9x"
VALUES = (STRIPE, GITHUB, ORDERS_DB, INVENTORY_DB, SHOP_OWNER)

BILLING = f"""\
# Billing service: talks to Stripe.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
  namespace: prod
spec:
  selector:
    matchLabels: {{app: billing}}
  template:
    metadata:
      labels: {{app: billing}}
    spec:
      containers:
        - name: billing
          image: registry.example.com/billing:1.4.2   # pinned
          env:
            - name: LOG_LEVEL
              value: info
            - name: STRIPE_API_KEY
              value: "{STRIPE}"
"""
API = f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  selector:
    matchLabels: {{app: api}}
  template:
    metadata:
      labels: {{app: api}}
    spec:
      containers:
      - name: api
        image: registry.example.com/api:2.0
        env:
        - {{name: GITHUB_TOKEN, value: {GITHUB}}}
        - {{name: PORT, value: "8080"}}
"""
ORDERS_SECRET = f"""\
apiVersion: v1
kind: Secret
metadata:
  name: orders-db
  namespace: prod
type: Opaque
data:
  password: {base64.b64encode(ORDERS_DB.encode()).decode()}
"""
INVENTORY_YML = f"""\
spring:
  application:
    name: inventory
  datasource:
    url: jdbc:postgresql://127.0.0.1:5432/inventory
    username: inventory_app
    password: {INVENTORY_DB}   # TODO move out
"""


def shop_env(port: int) -> str:
    return (
        f"# local settings\nDATABASE_URL=postgresql://shop_owner:{SHOP_OWNER}@127.0.0.1:{port}/shop\nLOG_LEVEL=debug\n"
    )


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def make_repo(root: Path, pg_port: int) -> Path:
    files = {
        "k8s/billing/deployment.yaml": BILLING,
        "k8s/api/deployment.yaml": API,
        "k8s/orders/secret.yaml": ORDERS_SECRET,
        "services/inventory/src/main/resources/application.yml": INVENTORY_YML,
        "services/shop/.env": shop_env(pg_port),
        "README.md": "# shop\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-qm", "services")
    return root


@pytest.fixture(scope="module")
def database(postgres: Pg) -> Pg:  # noqa: F811
    """shop_owner may create roles and hand out shop_app (the plan's setup.sql, done by a DBA)."""
    for sql in (
        "CREATE DATABASE shop",
        f"CREATE ROLE shop_owner LOGIN CREATEROLE PASSWORD '{SHOP_OWNER}'",
        "CREATE ROLE shop_app NOLOGIN",
        "GRANT shop_app TO shop_owner WITH ADMIN OPTION",
        "GRANT pg_signal_backend TO shop_owner",
    ):
        res = postgres.psql(sql)
        assert res.returncode == 0, res.stderr
    return postgres


def run(args: list[str], bao: Bao, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "secretscan", *args], capture_output=True, text=True, timeout=300, check=False,
        env=clean_env(VAULT_TOKEN=bao.token, PYTHONPATH=os.environ.get("PYTHONPATH", ""), **env),
    )  # fmt: skip


def read_kv(client: hvac.Client, path: str) -> dict[str, Any]:
    mount, _, rel = path.partition("/data/")
    return dict(
        client.secrets.kv.v2.read_secret_version(path=rel, mount_point=mount, raise_on_deleted_version=True)["data"][
            "data"
        ]
    )


def tracked_texts(root: Path) -> dict[str, str]:
    return {p: (root / p).read_text() for p in git(root, "ls-files").split()}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory, database: Pg) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("e2e")
    root = make_repo(base / "repo", database.port)
    before = tracked_texts(root)
    planned = prepare(root, PlanOptions(target=Target.KUBERNETES), None, reveal=True)
    with openbao_server(base / "bao") as bao:
        res = run(["migrate", str(root), "--vault-addr", bao.addr, "--format", "json"], bao)
        second = run(["migrate", str(root), "--vault-addr", bao.addr, "--format", "json"], bao)
        yield {"root": root, "before": before, "planned": planned, "bao": bao, "res": res, "second": second}


def test_migrate_completes_and_every_value_reads_back(migrated: dict[str, Any]) -> None:
    res = migrated["res"]
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["complete"] is True and report["manual"] == []
    planned = migrated["planned"]
    by_fp = {s.fingerprint: s for s in planned.ctx.secrets}
    client = migrated["bao"].client()
    rows = set()
    for o in report["vault"]:
        s = by_fp[o["fingerprint"]]
        assert read_kv(client, o["path"])[o["key"]] == planned.values[s.fingerprint]
        rows.add((o["path"], o["key"], o["status"]))
    assert rows == {
        ("secret/data/prod/billing/stripe-api-key", "value", "written"),
        ("secret/data/prod/api/github-token", "value", "written"),
        ("secret/data/prod/orders-db/password", "value", "written"),
        ("secret/data/prod/inventory/spring-datasource-password", "value", "written"),
        ("secret/data/prod/shop/database-url", "value", "written"),
    }
    assert sorted(planned.values.values()) == sorted(VALUES)
    files = {(f["path"], f["status"]) for f in report["files"]}
    assert files == {
        ("k8s/api/deployment.yaml", "changed"),
        ("k8s/api/external-secrets.yaml", "changed"),
        ("k8s/billing/deployment.yaml", "changed"),
        ("k8s/billing/external-secrets.yaml", "changed"),
        ("k8s/orders/external-secrets.yaml", "changed"),
        ("k8s/orders/secret.yaml", "changed"),
        ("services/inventory/src/main/resources/application.yml", "changed"),
        ("services/shop/.env", "changed"),
        (".gitignore", "changed"),
        ("services/shop/.env.example", "changed"),
    }
    for text in (res.stdout, res.stderr, (journal_dir(migrated["root"]) / NAME).read_text()):
        assert not any(v in text for v in VALUES)


def test_database_engine_issues_a_working_credential(migrated: dict[str, Any], database: Pg) -> None:
    report = json.loads(migrated["res"].stdout)
    checks = [c for c in report["config"] if c["kind"] == "database-check"]
    assert [c["status"] for c in checks] == ["verified"]
    client = migrated["bao"].client()
    role = next(c["name"] for c in report["config"] if c["kind"] == "database-role").rsplit("/", 1)[-1]
    cred = client.secrets.database.generate_credentials(name=role)["data"]
    res = database.psql("SELECT current_user", user=cred["username"], password=cred["password"], database="shop")
    assert res.returncode == 0 and res.stdout.strip() == cred["username"]


def test_each_service_reads_its_own_paths_only(migrated: dict[str, Any]) -> None:
    client = migrated["bao"].client()
    paths = {
        "billing": "secret/data/prod/billing/stripe-api-key",
        "api": "secret/data/prod/api/github-token",
        "inventory": "secret/data/prod/inventory/spring-datasource-password",
    }
    for service, own in paths.items():
        token = client.auth.token.create(policies=[f"prod-{service}"], ttl="5m")["auth"]["client_token"]
        scoped = hvac.Client(url=migrated["bao"].addr, token=token)
        assert read_kv(scoped, own)["value"]
        for other in set(paths.values()) - {own}:
            with pytest.raises(hvac.exceptions.Forbidden):
                read_kv(scoped, other)


def test_rewritten_manifests_validate(migrated: dict[str, Any]) -> None:
    root = migrated["root"]
    kinds = []
    for rel in sorted(
        p for p in git(root, "ls-files", "--others", "--cached", "--exclude-standard").split() if p.startswith("k8s/")
    ):
        for doc in yaml.safe_load_all((root / rel).read_text()):
            if doc["kind"] in ("ExternalSecret", "SecretStore"):
                assert eso_errors(doc) == [], rel
            else:
                kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            kinds.append((rel, doc["kind"], doc["metadata"]["name"]))
    assert kinds == [
        ("k8s/api/deployment.yaml", "Deployment", "api"),
        ("k8s/api/external-secrets.yaml", "ExternalSecret", "api-github-token"),
        ("k8s/api/external-secrets.yaml", "SecretStore", "vault-api"),
        ("k8s/billing/deployment.yaml", "Deployment", "billing"),
        ("k8s/billing/external-secrets.yaml", "ExternalSecret", "billing-stripe-api-key"),
        ("k8s/billing/external-secrets.yaml", "SecretStore", "vault-billing"),
        ("k8s/orders/external-secrets.yaml", "SecretStore", "vault-orders-db"),
        ("k8s/orders/secret.yaml", "ExternalSecret", "orders-db"),
    ]
    deployment = yaml.safe_load((root / "k8s/billing/deployment.yaml").read_text())
    env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [
        {"name": "LOG_LEVEL", "value": "info"},
        {"name": "STRIPE_API_KEY", "valueFrom": {"secretKeyRef": {"name": "billing-stripe-api-key", "key": "value"}}},
    ]


def test_no_hard_coded_secret_is_left_and_the_diff_touches_only_values(migrated: dict[str, Any]) -> None:
    root = migrated["root"]
    scan = subprocess.run(
        [sys.executable, "-m", "secretscan", "scan", str(root), "--format", "json"], capture_output=True, text=True, check=False
    )
    assert scan.returncode == 0, scan.stdout[-2000:]
    assert json.loads(scan.stdout)["findings"] == []
    edited = (
        "k8s/api/deployment.yaml",
        "k8s/billing/deployment.yaml",
        "services/inventory/src/main/resources/application.yml",
    )
    diff = git(root, "diff", "-U0", "HEAD", "--", *edited)
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed == [
        f"-        - {{name: GITHUB_TOKEN, value: {GITHUB}}}",
        f'-              value: "{STRIPE}"',
        f"-    password: {INVENTORY_DB}   # TODO move out",
    ]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added == [
        "+        - {name: GITHUB_TOKEN, valueFrom: {secretKeyRef: {name: api-github-token, key: value}}}",
        "+              valueFrom:",
        "+                secretKeyRef:",
        "+                  name: billing-stripe-api-key",
        "+                  key: value",
        "+    password: ${SPRING_DATASOURCE_PASSWORD}   # TODO move out",
    ]
    assert git(root, "ls-files", "services/shop") == ""  # .env untracked ...
    assert (root / "services/shop/.env").read_text() == migrated["before"]["services/shop/.env"]  # ... kept on disk
    assert git(root, "check-ignore", "services/shop/.env").strip() == "services/shop/.env"
    assert (root / ".gitignore").read_text() == "/services/shop/.env\n"
    assert (root / "services/shop/.env.example").read_text() == "DATABASE_URL=\nLOG_LEVEL=\n"


def test_second_run_changes_nothing(migrated: dict[str, Any]) -> None:
    second = migrated["second"]
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)
    assert report["vault"] == [] and report["files"] == [] and report["complete"] is True


# ---------------------------------------------------------------- faults


def migrate_in_process(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    code = cli.main(["migrate", *args, "--format", "json"], standalone_mode=False)
    out, err = capsys.readouterr()
    return int(code), json.loads(out) if out.strip() else {}, err


def test_vault_stopped_midway_rewrites_nothing_and_resume_completes(
    tmp_path: Path, database: Pg, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "repo", database.port)
    before = tracked_texts(root)
    real = vault_apply.put_values
    with openbao_server(tmp_path / "bao1") as first:

        def stopping(client, ctx, values, *, overwrite=False, on_outcome=None):  # type: ignore[no-untyped-def]
            def hook(outcomes):  # type: ignore[no-untyped-def]
                on_outcome(outcomes)
                if first.proc is not None and first.proc.poll() is None:
                    first.proc.terminate()  # the server goes away after the first path
                    first.proc.wait(timeout=20)

            return real(client, ctx, values, overwrite=overwrite, on_outcome=hook)

        monkeypatch.setattr(vault_apply, "put_values", stopping)
        monkeypatch.setenv("VAULT_TOKEN", first.token)
        code, report, err = migrate_in_process([str(root), "--vault-addr", first.addr], capsys)
    assert code == 1
    statuses = [o["status"] for o in report["vault"]]
    assert statuses == ["written", "failed", "failed", "failed", "failed"]
    assert report["files"] == [] and "no file was rewritten" in report["stopped"]
    assert tracked_texts(root) == before and git(root, "status", "--porcelain") == ""
    journal = json.loads((journal_dir(root) / NAME).read_text())
    assert journal["state"] == "vault-incomplete"
    assert [e["status"] for e in journal["vault"]] == statuses
    monkeypatch.setattr(vault_apply, "put_values", real)
    with openbao_server(tmp_path / "bao2") as second:
        monkeypatch.setenv("VAULT_TOKEN", second.token)
        with pytest.raises(Exception, match="did not finish"):
            cli.main(["migrate", str(root), "--vault-addr", second.addr], standalone_mode=False)
        code, report, err = migrate_in_process([str(root), "--vault-addr", second.addr, "--resume"], capsys)
        assert code == 0, err
        assert report["complete"] is True
        client = second.client()
        assert {read_kv(client, o["path"])["value"] for o in report["vault"]} == set(VALUES)
    assert json.loads((journal_dir(root) / NAME).read_text())["state"] == "complete"
    assert git(root, "ls-files", "services/shop") == ""


def test_a_conflicting_value_in_vault_is_reported_not_overwritten(
    tmp_path: Path, database: Pg, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "repo", database.port)
    before = tracked_texts(root)
    with openbao_server(tmp_path / "bao") as bao:
        client = bao.client()
        client.secrets.kv.v2.create_or_update_secret(
            path="prod/billing/stripe-api-key", secret={"value": "someone-elses"}, mount_point="secret"
        )
        monkeypatch.setenv("VAULT_TOKEN", bao.token)
        code, report, err = migrate_in_process([str(root), "--vault-addr", bao.addr], capsys)
        assert code == 1
        conflicts = [(o["path"], o["status"]) for o in report["vault"] if o["status"] != "written"]
        assert conflicts == [("secret/data/prod/billing/stripe-api-key", "conflict")]
        assert read_kv(client, "secret/data/prod/billing/stripe-api-key") == {"value": "someone-elses"}
        assert tracked_texts(root) == before and git(root, "status", "--porcelain") == ""
        assert not any(v in err + json.dumps(report) for v in VALUES)
        code, report, err = migrate_in_process([str(root), "--vault-addr", bao.addr, "--resume", "--overwrite"], capsys)
        assert code == 0, err
        assert read_kv(client, "secret/data/prod/billing/stripe-api-key") == {"value": STRIPE}


def test_a_file_changed_between_plan_and_fix_is_left_untouched(
    tmp_path: Path, database: Pg, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "repo", database.port)
    plan = tmp_path / "plan"
    assert cli.main(["plan", str(root), "-o", str(plan)], standalone_mode=False) == 0
    edited = BILLING.replace("# Billing service", "# Billing service (edited after the plan)")
    (root / "k8s/billing/deployment.yaml").write_text(edited)
    capsys.readouterr()
    code = cli.main(["fix", str(root), "--plan", str(plan), "--write"], standalone_mode=False)
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "secretscan: NOT TOUCHED: k8s/billing/deployment.yaml (k8s-env-ref): changed since the scan" in err.splitlines()
    )
    assert (root / "k8s/billing/deployment.yaml").read_text() == edited
    assert "valueFrom" in (root / "k8s/api/deployment.yaml").read_text()  # the others are fixed
    code = cli.main(["fix", str(root), "--plan", str(plan), "--write"], standalone_mode=False)
    err = capsys.readouterr().err
    assert "secretscan: already done: k8s/api/deployment.yaml (k8s-env-ref)" in err.splitlines()


def test_rollback_restores_every_file(
    tmp_path: Path, database: Pg, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "repo", database.port)
    before = tracked_texts(root)
    with openbao_server(tmp_path / "bao") as bao:
        monkeypatch.setenv("VAULT_TOKEN", bao.token)
        code, _report, err = migrate_in_process([str(root), "--vault-addr", bao.addr], capsys)
        assert code == 0, err
    code = cli.main(["migrate", str(root), "--rollback"], standalone_mode=False)
    assert code == 0
    assert tracked_texts(root) == before
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
