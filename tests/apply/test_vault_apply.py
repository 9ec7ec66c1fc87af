"""Values and configuration into a real Vault-API server (OpenBao in dev mode, private to this
module) from a real scan of a fixture repository: two Kubernetes services with env literals and
a Spring app whose JDBC URL logs in to the throwaway PostgreSQL cluster. Every value reads back,
a second run changes nothing, a conflicting value is kept unless --overwrite, a server stopped
midway gives an exact written/failed split, each service's policy reads its own path and no
other, and the database engine issues a credential that logs in."""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import hvac
import hvac.exceptions
import pytest
from live_services import Bao, openbao_server, postgres  # noqa: F401 - session fixture

from secretscan.apply.vault_apply import (
    ConfigOutcome,
    KubernetesAuth,
    KvOutcome,
    apply_config,
    parse_db_url,
    put_values,
)
from secretscan.cli.apply_support import Prepared, prepare
from secretscan.remediation import vault
from secretscan.remediation.model import PlanOptions, Target

GITHUB = "ghp_Zq8wLp7nK4sT8wZ1cB6hJ0dF5gA2eRs9xYv1"
STRIPE = "sk_live_51HqL8kJ2mN4pQ6rS8tU0vW2xY4zA6bC8dE0fG2hI4jK6lM8n"
DB_PASSWORD = "Ord3rs-Db-Pw-7q9Z"
API_PATH = "secret/data/prod/api/github-token"
BILLING_PATH = "secret/data/prod/billing/stripe-api-key"
ORDERS_PATH = "secret/data/prod/orders/spring-datasource-url"
ROLE = "prod-orders-spring-datasource-url"
VALUE_AT = {API_PATH: GITHUB, BILLING_PATH: STRIPE, ORDERS_PATH: DB_PASSWORD}

DEPLOYMENTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: {name}
          image: {name}:1
          env:
            - name: {var}
              value: {value}
"""


def make_repo(root: Path, pg_port: int) -> Path:
    (root / "k8s").mkdir(parents=True)
    (root / "k8s/deploy.yaml").write_text(
        DEPLOYMENTS.format(name="api", var="GITHUB_TOKEN", value=GITHUB)
        + "---\n"
        + DEPLOYMENTS.format(name="billing", var="STRIPE_API_KEY", value=STRIPE)
    )
    res = root / "orders/src/main/resources"
    res.mkdir(parents=True)
    (res / "application.properties").write_text(
        "spring.application.name=orders\n"
        f"spring.datasource.url=jdbc:postgresql://127.0.0.1:{pg_port}/orders?user=orders_owner&password={DB_PASSWORD}\n"
    )
    git = ["git", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "services"], check=True)
    return root


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, postgres) -> Prepared:  # type: ignore[no-untyped-def]  # noqa: F811
    """The scanned repository, and the database its JDBC URL names: orders_owner may create
    roles and hands out orders_app, which holds the application's privileges."""
    for sql in (
        "CREATE DATABASE orders",
        f"CREATE ROLE orders_owner LOGIN CREATEROLE PASSWORD '{DB_PASSWORD}'",
        "CREATE ROLE orders_app NOLOGIN",
        "GRANT orders_app TO orders_owner WITH ADMIN OPTION",
        "GRANT pg_signal_backend TO orders_owner",
    ):
        assert postgres.psql(sql).returncode == 0, sql
    done = postgres.psql(
        "CREATE TABLE items (id int); INSERT INTO items VALUES (42); GRANT SELECT ON items TO orders_app",
        database="orders",
    )
    assert done.returncode == 0, done.stderr
    root = make_repo(tmp_path_factory.mktemp("apply") / "repo", postgres.port)
    return prepare(root, PlanOptions(), None, reveal=True)


@pytest.fixture(scope="module")
def bao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bao]:
    with openbao_server(tmp_path_factory.mktemp("bao-apply")) as server:
        yield server


@pytest.fixture()
def own_bao(tmp_path: Path) -> Iterator[Bao]:
    with openbao_server(tmp_path / "bao") as server:
        yield server


@pytest.fixture(scope="module")
def runs(bao: Bao, prepared: Prepared) -> dict[str, Any]:
    """Values then configuration, twice."""
    client = bao.client()
    out: dict[str, Any] = {}
    for run in ("first", "second"):
        out[f"{run}_kv"] = put_values(client, prepared.ctx, prepared.values)
        out[f"{run}_config"] = apply_config(client, prepared.ctx, prepared.values)
    return out


def kv_rows(outcomes: list[KvOutcome], prepared: Prepared) -> set[tuple[str, str, str, str, int | None]]:
    """(path, key, the value its fingerprint names, status, version)."""
    return {(o.path, o.key, prepared.values[o.fingerprint], o.status, o.version) for o in outcomes}


def read(client: hvac.Client, path: str) -> dict[str, Any]:
    mount, _, rel = path.partition("/data/")
    got = client.secrets.kv.v2.read_secret_version(path=rel, mount_point=mount, raise_on_deleted_version=True)
    return dict(got["data"]["data"])


def seed(client: hvac.Client, path: str, data: dict[str, str]) -> None:
    mount, _, rel = path.partition("/data/")
    client.secrets.kv.v2.create_or_update_secret(path=rel, secret=data, mount_point=mount)


# ---- values ------------------------------------------------------------------------------


def test_the_plan_puts_three_secrets_in_vault(prepared: Prepared) -> None:
    assert sorted(s.backend_path for s in vault.stored(prepared.ctx.secrets)) == sorted(VALUE_AT)
    assert sorted(prepared.values.values()) == sorted(VALUE_AT.values())


def test_every_value_is_written_and_reads_back(bao: Bao, prepared: Prepared, runs: dict[str, Any]) -> None:
    assert kv_rows(runs["first_kv"], prepared) == {(p, "value", v, "written", 1) for p, v in VALUE_AT.items()}
    assert all(o.reason == "" for o in runs["first_kv"])
    for path, value in VALUE_AT.items():
        assert read(bao.client(), path) == {"value": value}


def test_a_second_run_finds_every_value_present(prepared: Prepared, runs: dict[str, Any]) -> None:
    assert kv_rows(runs["second_kv"], prepared) == {(p, "value", v, "present", 1) for p, v in VALUE_AT.items()}


def test_no_outcome_carries_a_value(runs: dict[str, Any]) -> None:
    text = repr(runs)
    assert [v for v in VALUE_AT.values() if v in text] == []


def test_a_different_value_is_a_conflict_and_kept_unless_overwrite(own_bao: Bao, prepared: Prepared) -> None:
    client = own_bao.client()
    seed(client, API_PATH, {"value": "someone-elses-value"})
    first = put_values(client, prepared.ctx, prepared.values)
    assert kv_rows(first, prepared) == {
        (API_PATH, "value", GITHUB, "conflict", 1),
        (BILLING_PATH, "value", STRIPE, "written", 1),
        (ORDERS_PATH, "value", DB_PASSWORD, "written", 1),
    }
    assert [o.reason for o in first if o.status == "conflict"] == [
        "holds a different value: left as is (--overwrite replaces it)"
    ]
    assert read(client, API_PATH) == {"value": "someone-elses-value"}
    forced = put_values(client, prepared.ctx, prepared.values, overwrite=True)
    assert kv_rows(forced, prepared) == {
        (API_PATH, "value", GITHUB, "written", 2),
        (BILLING_PATH, "value", STRIPE, "present", 1),
        (ORDERS_PATH, "value", DB_PASSWORD, "present", 1),
    }
    assert [o.reason for o in forced if o.path == API_PATH] == ["replaced a different value (--overwrite)"]
    assert read(client, API_PATH) == {"value": GITHUB}


def test_keys_sharing_a_path_are_written_together_and_other_keys_kept(own_bao: Bao, prepared: Prepared) -> None:
    client = own_bao.client()
    secrets = tuple(
        replace(s, backend_path=API_PATH, backend_key="stripe") if s.backend_path == BILLING_PATH else s
        for s in prepared.ctx.secrets
    )
    ctx = replace(prepared.ctx, secrets=secrets)
    seed(client, API_PATH, {"other": "kept-as-is"})
    seen: list[list[tuple[str, str]]] = []
    got = put_values(client, ctx, prepared.values, on_outcome=lambda os: seen.append([(o.path, o.key) for o in os]))
    assert kv_rows(got, prepared) == {
        (API_PATH, "value", GITHUB, "written", 2),
        (API_PATH, "stripe", STRIPE, "written", 2),
        (ORDERS_PATH, "value", DB_PASSWORD, "written", 1),
    }
    assert sorted(seen) == sorted([[(API_PATH, "value"), (API_PATH, "stripe")], [(ORDERS_PATH, "value")]])
    assert read(client, API_PATH) == {"other": "kept-as-is", "value": GITHUB, "stripe": STRIPE}


def test_a_conflict_on_a_shared_path_writes_none_of_its_keys(own_bao: Bao, prepared: Prepared) -> None:
    client = own_bao.client()
    secrets = tuple(
        replace(s, backend_path=API_PATH, backend_key="stripe") if s.backend_path == BILLING_PATH else s
        for s in prepared.ctx.secrets
    )
    seed(client, API_PATH, {"stripe": "another-stripe-key"})
    got = put_values(client, replace(prepared.ctx, secrets=secrets), prepared.values)
    assert {(o.path, o.key, o.status, o.version, o.reason) for o in got if o.path == API_PATH} == {
        (API_PATH, "stripe", "conflict", 1, "holds a different value: left as is (--overwrite replaces it)"),
        (API_PATH, "value", "skipped", 1, "not written: another key of this path is in conflict"),
    }
    assert read(client, API_PATH) == {"stripe": "another-stripe-key"}


def test_a_server_stopped_midway_gives_an_exact_split_and_no_traceback(own_bao: Bao, prepared: Prepared) -> None:
    client = own_bao.client()
    batches: list[list[KvOutcome]] = []

    def stop_after_first(outcomes: Any) -> None:
        batches.append(list(outcomes))
        if len(batches) == 1 and own_bao.proc is not None:
            own_bao.proc.terminate()
            own_bao.proc.wait(timeout=20)

    got = put_values(client, prepared.ctx, prepared.values, on_outcome=stop_after_first)
    assert [len(b) for b in batches] == [1, 1, 1]
    assert got == [o for b in batches for o in b]
    first, second, third = got
    assert (first.status, first.version, first.reason) == ("written", 1, "")
    assert (second.status, second.version, second.reason) == (
        "failed",
        None,
        "Vault unreachable (ConnectionError) before anything was written to this path",
    )
    assert (third.status, third.version, third.reason) == (
        "failed",
        None,
        "not attempted: Vault unreachable (ConnectionError)",
    )
    assert sorted(o.path for o in got) == sorted(VALUE_AT)


def test_a_concurrent_writer_is_detected_by_check_and_set(own_bao: Bao, prepared: Prepared) -> None:
    client = own_bao.client()
    kv2 = client.secrets.kv.v2
    real = kv2.create_or_update_secret

    def racing(path: str, secret: dict[str, str], cas: int | None = None, mount_point: str = "secret") -> Any:
        if path == "prod/api/github-token":  # someone else writes between our read and our write
            seed(own_bao.client(), API_PATH, {"value": "written-meanwhile"})
        return real(path=path, secret=secret, cas=cas, mount_point=mount_point)

    kv2.create_or_update_secret = racing
    got = put_values(client, prepared.ctx, prepared.values)
    assert {(o.path, o.status, o.version, o.reason) for o in got} == {
        (API_PATH, "failed", None, "not written: changed by someone else during the write (check-and-set): re-run"),
        (BILLING_PATH, "written", 1, ""),
        (ORDERS_PATH, "written", 1, ""),
    }
    assert read(own_bao.client(), API_PATH) == {"value": "written-meanwhile"}


def test_a_read_back_that_differs_fails(own_bao: Bao, prepared: Prepared) -> None:
    client = own_bao.client()
    kv2 = client.secrets.kv.v2
    real = kv2.create_or_update_secret

    def mangling(path: str, secret: dict[str, str], cas: int | None = None, mount_point: str = "secret") -> Any:
        if path == "prod/billing/stripe-api-key":
            secret = {k: v[:-1] for k, v in secret.items()}
        return real(path=path, secret=secret, cas=cas, mount_point=mount_point)

    kv2.create_or_update_secret = mangling
    got = put_values(client, prepared.ctx, prepared.values)
    assert {(o.path, o.status, o.version, o.reason) for o in got} == {
        (API_PATH, "written", 1, ""),
        (BILLING_PATH, "failed", 1, "read back differs from the scanned value"),
        (ORDERS_PATH, "written", 1, ""),
    }


def test_a_secret_without_a_value_is_skipped(own_bao: Bao, prepared: Prepared) -> None:
    values = {fp: v for fp, v in prepared.values.items() if v != STRIPE}
    got = put_values(own_bao.client(), prepared.ctx, values)
    assert {(o.path, o.status, o.reason) for o in got} == {
        (API_PATH, "written", ""),
        (BILLING_PATH, "skipped", "no value: the scan did not reveal it"),
        (ORDERS_PATH, "written", ""),
    }


# ---- configuration -----------------------------------------------------------------------

CONFIG_FIRST = [
    ("secrets-engine", "secret", "present"),
    ("policy", "prod-api", "written"),
    ("policy", "prod-billing", "written"),
    ("policy", "prod-orders", "written"),
    ("policy", "break-glass-prod", "written"),
    ("policy", "break-glass-prod-issuer", "written"),
    ("token-role", "auth/token/roles/break-glass-prod", "written"),
    ("auth-method", "kubernetes", "written"),
    ("auth-config", "auth/kubernetes/config", "skipped"),
    ("auth-role", "auth/kubernetes/role/prod-api", "written"),
    ("auth-role", "auth/kubernetes/role/prod-billing", "written"),
    ("auth-role", "auth/kubernetes/role/prod-orders", "written"),
    ("secrets-engine", "database", "written"),
    ("database-connection", f"database/config/{ROLE}", "written"),
    ("database-role", f"database/roles/{ROLE}", "written"),
    ("database-static-role", f"database/static-roles/{ROLE}-static", "skipped"),
    ("database-check", f"database/creds/{ROLE}", "verified"),
]


def rows(outcomes: list[ConfigOutcome]) -> list[tuple[str, str, str]]:
    return [(o.kind, o.name, o.status) for o in outcomes]


def test_the_configuration_is_applied_once_and_then_present(runs: dict[str, Any]) -> None:
    assert rows(runs["first_config"]) == CONFIG_FIRST
    again = [(k, n, "present" if s == "written" else s) for k, n, s in CONFIG_FIRST]
    assert rows(runs["second_config"]) == again
    skipped = {o.name: o.reason for o in runs["second_config"] if o.status == "skipped"}
    assert skipped == {
        "auth/kubernetes/config": "needs kubernetes_host (and the cluster's CA certificate when Vault runs outside it): "
        "roles are written, logins fail until it is set",
        f"database/static-roles/{ROLE}-static": "writing it rotates orders_owner's password at once, before the files "
        "reference Vault: `secretscan rotate` does it",
    }


def test_the_uploaded_policies_are_the_plans_files(bao: Bao, prepared: Prepared, runs: dict[str, Any]) -> None:
    files = {Path(a.path).stem: a.content for a in prepared.plan.files if a.kind == "vault-policy"}
    assert set(files) == {"prod-api", "prod-billing", "prod-orders", "break-glass-prod", "break-glass-prod-issuer"}
    for name, text in files.items():
        assert bao.client().sys.read_policy(name)["data"]["rules"] == text


def token(bao: Bao, policy: str) -> hvac.Client:
    tok = bao.client().auth.token.create(policies=[policy], ttl="10m")["auth"]["client_token"]
    return bao.client(tok)


def test_each_service_reads_its_own_path_and_is_denied_the_others(bao: Bao, runs: dict[str, Any]) -> None:
    own = {"prod-api": API_PATH, "prod-billing": BILLING_PATH}
    for policy, path in own.items():
        client = token(bao, policy)
        assert read(client, path) == {"value": VALUE_AT[path]}
        for other in (p for p in VALUE_AT if p != path):
            with pytest.raises(hvac.exceptions.Forbidden):
                read(client, other)
    orders = token(bao, "prod-orders")
    for path in VALUE_AT:  # a dynamic credential's service reads the engine, not the KV copy
        with pytest.raises(hvac.exceptions.Forbidden):
            read(orders, path)


def test_a_dynamic_credential_logs_in_to_the_database(bao: Bao, postgres, runs: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    cred = token(bao, "prod-orders").read(f"database/creds/{ROLE}")
    user, password = cred["data"]["username"], cred["data"]["password"]
    got = postgres.psql(
        "select current_user || ':' || (select id from items)", user=user, password=password, database="orders"
    )
    assert (got.returncode, got.stdout.strip()) == (0, f"{user}:42"), got.stderr
    with pytest.raises(hvac.exceptions.Forbidden):
        token(bao, "prod-api").read(f"database/creds/{ROLE}")
    # the scanned credential still logs in: nothing rotated it (that is `secretscan rotate`)
    assert postgres.psql("select 1", user="orders_owner", password=DB_PASSWORD, database="orders").returncode == 0


def test_approle_for_an_application_target(bao: Bao, prepared: Prepared, runs: dict[str, Any]) -> None:
    ctx = replace(prepared.ctx, options=replace(prepared.ctx.options, target=Target.APPLICATION))
    got = rows(apply_config(bao.client(), ctx, prepared.values))
    assert [r for r in got if r[0].startswith("auth")] == [
        ("auth-method", "approle", "written"),
        ("auth-role", "auth/approle/role/prod-api", "written"),
        ("auth-role", "auth/approle/role/prod-billing", "written"),
        ("auth-role", "auth/approle/role/prod-orders", "written"),
    ]
    assert {s for k, _, s in got if not k.startswith("auth")} == {"present", "skipped", "verified"}
    root = bao.client()
    role_id = root.read("auth/approle/role/prod-api/role-id")["data"]["role_id"]
    secret_id = root.write_data("auth/approle/role/prod-api/secret-id")["data"]["secret_id"]
    login = bao.client().auth.approle.login(role_id=role_id, secret_id=secret_id, use_token=False)
    assert login["auth"]["token_policies"] == ["default", "prod-api"]


def test_kubernetes_config_is_written_only_when_given(bao: Bao, prepared: Prepared, runs: dict[str, Any]) -> None:
    kube = KubernetesAuth("https://127.0.0.1:6443", self_signed_ca())
    first = apply_config(bao.client(), prepared.ctx, prepared.values, kubernetes=kube)
    assert [(o.name, o.status) for o in first if o.kind == "auth-config"] == [("auth/kubernetes/config", "written")]
    again = apply_config(bao.client(), prepared.ctx, prepared.values, kubernetes=kube)
    assert [(o.name, o.status) for o in again if o.kind == "auth-config"] == [("auth/kubernetes/config", "present")]
    other = apply_config(bao.client(), prepared.ctx, prepared.values, kubernetes=replace(kube, host="https://10.9.9.9"))
    assert [(o.status, o.reason) for o in other if o.kind == "auth-config"] == [
        ("conflict", "already set to https://127.0.0.1:6443: left as is")
    ]
    assert bao.client().read("auth/kubernetes/config")["data"]["kubernetes_host"] == "https://127.0.0.1:6443"


def self_signed_ca() -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-cluster-ca")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_a_stopped_server_fails_the_remaining_configuration_steps(own_bao: Bao, prepared: Prepared) -> None:
    client = own_bao.client()
    assert own_bao.proc is not None
    own_bao.proc.terminate()
    own_bao.proc.wait(timeout=20)
    got = apply_config(client, prepared.ctx, prepared.values)
    assert got[0] == ConfigOutcome("secrets-engine", "secret", "failed", "Vault unreachable (ConnectionError)")
    assert {(o.status, o.reason) for o in got[1:]} == {("failed", "not attempted: Vault unreachable (ConnectionError)")}


# ---- connection URLs (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "url=jdbc:postgresql://db.corp:5433/shop?user=shop&password=S3cr-et9&sslmode=require",
            (
                "postgresql",
                "shop",
                "db.corp",
                5433,
                "shop",
                "postgresql://{{username}}:{{password}}@db.corp:5433/shop?sslmode=require",
            ),
        ),
        (
            "    url: postgres://ledger:S3cr-et9@10.0.0.4/ledger",
            (
                "postgresql",
                "ledger",
                "10.0.0.4",
                5432,
                "ledger",
                "postgresql://{{username}}:{{password}}@10.0.0.4:5432/ledger",
            ),
        ),
        (
            'DSN="mysql://app:S3cr-et9@mysql.prod:3307/app"',
            ("mysql", "app", "mysql.prod", 3307, "app", "{{username}}:{{password}}@tcp(mysql.prod:3307)/app"),
        ),
    ],
)
def test_connection_urls_are_parsed_for_the_engine(line: str, expected: tuple[object, ...]) -> None:
    t = parse_db_url(line, "S3cr-et9")
    assert t is not None
    assert (t.flavour, t.username, t.host, t.port, t.database, t.vault_url()) == expected


@pytest.mark.parametrize(
    "line",
    [
        "url: postgres://ledger:other-pw@10.0.0.4/ledger",  # another password
        "url: mongodb://ledger:S3cr-et9@10.0.0.4/ledger",  # no engine role for it
        "password=S3cr-et9",  # no URL at all
    ],
)
def test_a_url_not_holding_the_value_is_not_taken(line: str) -> None:
    assert parse_db_url(line, "S3cr-et9") is None
