"""`secretscan rotate` end to end against a real OpenBao and a real PostgreSQL: a repository with
two leaked PostgreSQL passwords (one the static role's user, one the engine's root user) and a
Stripe key. Rotate kills both passwords (proved by PostgreSQL), the static role's new password
logs in, the Stripe key gets its runbook, and no value, old or new, is ever printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from live_services import Bao, Pg, free_port, openbao, postgres  # noqa: F401 - session fixtures

from secretscan.remediation.vault_database import DbRole, connection, dynamic_role, static_role

BILLING_PW = "Zq8vLm2Rt5Wx9KcB"  # billing_user's, leaked in billing/.env (the static role's user)
ORDERS_PW = "Hx7Pq2Nw9Lt4Vz6R"  # orders_owner's, leaked in orders/application.yml (the engine's root user)
ADMIN_PW = "rot-admin-pw-3"  # the billing connection's root (not leaked)
STRIPE = "sk_live_7Hq2Lm9Zt4Rx8Vb3Nc6Wp1Ky"
BILLING = "prod-billing-database-url"
ORDERS = "prod-orders-spring-datasource-url"
FP = {"billing": "b612be1d1827", "orders": "67d17c34958c", "stripe": "42a78fd10c1c"}  # fingerprint prefixes


def repo(root: Path) -> Path:
    (root / "billing").mkdir(parents=True)
    (root / "orders").mkdir()
    (root / "billing/.env").write_text(
        f"DATABASE_URL=postgresql://billing_user:{BILLING_PW}@db.internal:5432/rot_billing\nSTRIPE_SECRET_KEY={STRIPE}\n"
    )
    (root / "orders/application.yml").write_text(
        f"spring:\n  datasource:\n    url: postgresql://orders_owner:{ORDERS_PW}@db.internal:5432/rot_orders\n"
    )
    return root


def run(*args: str, cwd: Path, token: Path | None = None, addr: str | None = None) -> subprocess.CompletedProcess[str]:
    vault = (
        ["--vault-addr", addr, "--token-file", str(token)]
        if addr and token
        else (["--vault-addr", addr] if addr else [])
    )
    return subprocess.run(
        [sys.executable, "-m", "secretscan", "rotate", *args, *vault],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith(("VAULT_", "PG"))},
    )


def url(pg: Pg, db: str) -> str:
    return f"postgresql://{{{{username}}}}:{{{{password}}}}@{pg.host}:{pg.port}/{db}?sslmode=disable"


@pytest.fixture(scope="module")
def live(openbao: Bao, postgres: Pg, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:  # noqa: F811
    """The two databases with their leaked users, and Vault's database engine configured for them
    the way the plan lays it out (connection, static role; dynamic role for the root case)."""
    for sql in (
        "CREATE DATABASE rot_billing",
        "CREATE DATABASE rot_orders",
        f"CREATE ROLE billing_user LOGIN PASSWORD '{BILLING_PW}'",
        f"CREATE ROLE rot_admin LOGIN CREATEROLE PASSWORD '{ADMIN_PW}'",
        "GRANT billing_user TO rot_admin WITH ADMIN OPTION",
        f"CREATE ROLE orders_owner LOGIN CREATEROLE PASSWORD '{ORDERS_PW}'",
        "CREATE ROLE orders_app NOLOGIN",
        "GRANT orders_app TO orders_owner WITH ADMIN OPTION",
        "GRANT pg_signal_backend TO orders_owner",  # as the plan's setup.sql grants its admin: revocation ends sessions
    ):
        res = postgres.psql(sql)
        assert res.returncode == 0, res.stderr
    c = openbao.client()
    if "database/" not in c.sys.list_mounted_secrets_engines()["data"]:
        c.sys.enable_secrets_engine("database", path="database")
    billing, orders = DbRole(BILLING, "billing_app", "postgresql", 30), DbRole(ORDERS, "orders_app", "postgresql", 30)
    c.write_data(
        f"database/config/{BILLING}",
        data={
            **connection(billing),
            "username": "rot_admin",
            "password": ADMIN_PW,
            "connection_url": url(postgres, "rot_billing"),
        },
    )
    c.write_data(
        f"database/static-roles/{billing.static_role}", data={**static_role(billing), "username": "billing_user"}
    )
    # Vault rotated billing_user when it took it over; put the leaked password back, as if the
    # application (or a person) had set it again: `rotate` must find it alive and kill it.
    assert postgres.psql(f"ALTER ROLE billing_user PASSWORD '{BILLING_PW}'").returncode == 0
    c.write_data(
        f"database/config/{ORDERS}",
        data={
            **connection(orders),
            "username": "orders_owner",
            "password": ORDERS_PW,
            "connection_url": url(postgres, "rot_orders"),
        },
    )
    c.write_data(f"database/roles/{ORDERS}", data=dynamic_role(orders))
    folder = tmp_path_factory.mktemp("rotate")
    token = folder / "token"
    token.write_text(openbao.token + "\n")
    return {"repo": repo(folder / "repo"), "token": token}


def logs_in(pg: Pg, user: str, password: str, db: str) -> subprocess.CompletedProcess[str]:
    return pg.psql("select current_user", user=user, password=password, database=db)


def items(res: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    return {i["fingerprint"][:12]: i for i in json.loads(res.stdout)["items"]}


def test_rotate_kills_both_leaked_passwords_and_proves_it(live, openbao: Bao, postgres: Pg) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    for user, pw, db in (("billing_user", BILLING_PW, "rot_billing"), ("orders_owner", ORDERS_PW, "rot_orders")):
        assert logs_in(postgres, user, pw, db).returncode == 0  # alive before

    res = run("--format", "json", cwd=live["repo"], token=live["token"], addr=openbao.addr)
    assert res.returncode == 0, res.stderr
    got = {
        fp[:12]: (
            i["status"],
            i["action"],
            i["vault_path"],
            i["credential_path"],
            i["user"],
            i["service"],
            i["env_var"],
        )
        for fp, i in items(res).items()
    }
    assert got == {
        FP["billing"]: (
            "rotated",
            "rotate-role",
            f"database/rotate-role/{BILLING}-static",
            f"database/static-creds/{BILLING}-static",
            "billing_user",
            "billing",
            "DATABASE_URL",
        ),
        FP["orders"]: (
            "rotated",
            "rotate-root",
            f"database/rotate-root/{ORDERS}",
            f"database/creds/{ORDERS}",
            "orders_owner",
            "orders",
            "SPRING_DATASOURCE_URL",
        ),
        FP["stripe"]: (
            "runbook",
            None,
            "secret/data/prod/billing/stripe-secret-key",
            None,
            None,
            "billing",
            "STRIPE_SECRET_KEY",
        ),
    }
    assert res.stderr == "secretscan: rotate: 2 rotated, 1 runbook\n"

    # PostgreSQL itself: the leaked passwords are refused, the static role's new one logs in
    for user, pw, db in (("billing_user", BILLING_PW, "rot_billing"), ("orders_owner", ORDERS_PW, "rot_orders")):
        refused = logs_in(postgres, user, pw, db)
        assert refused.returncode != 0 and "password authentication failed" in refused.stderr
    static = openbao.client().read(f"database/static-creds/{BILLING}-static")["data"]
    ok = logs_in(postgres, "billing_user", static["password"], "rot_billing")
    assert (ok.returncode, ok.stdout.strip()) == (0, "billing_user")
    for value in (BILLING_PW, ORDERS_PW, STRIPE, static["password"]):
        assert value not in res.stdout + res.stderr

    # a re-run changes nothing: both already dead, the new credential still proved; console output
    again = run(cwd=live["repo"], token=live["token"], addr=openbao.addr)
    assert again.returncode == 0, again.stderr
    assert openbao.client().read(f"database/static-creds/{BILLING}-static")["data"]["password"] == static["password"]
    lines = again.stdout.splitlines()
    heads = sorted(line for line in lines if line.startswith(("✔", "✘", "•")))
    assert heads == [
        f"• runbook  {FP['stripe']}  billing STRIPE_SECRET_KEY (api_keys, sk_l…p1Ky)  billing/.env:2",
        f"✔ already-rotated  {FP['orders']}  orders SPRING_DATASOURCE_URL (database_credentials, Hx7…6R)  orders/application.yml:3",
        f"✔ already-rotated  {FP['billing']}  billing DATABASE_URL (database_credentials, Zq8…cB)  billing/.env:1",
    ]
    assert "    Vault path: secret/data/prod/billing/stripe-secret-key" in lines
    assert "    consumers: billing" in lines
    assert "    bin/stdin-secret.sh vault kv put -mount=secret prod/billing/stripe-secret-key value=-" in lines
    for value in (BILLING_PW, ORDERS_PW, STRIPE, static["password"]):
        assert value not in again.stdout + again.stderr


def test_a_token_vault_refuses_fails_each_item_in_one_line(live, openbao: Bao) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    weak = live["token"].with_name("weak-token")
    weak.write_text(openbao.client().auth.token.create(policies=["default"], ttl="5m")["auth"]["client_token"])
    res = run("--format", "json", "--item", FP["billing"], cwd=live["repo"], token=weak, addr=openbao.addr)
    assert res.returncode == 2
    assert {fp: (i["status"], i["detail"]) for fp, i in items(res).items()} == {
        FP["billing"]: ("failed", f"Vault: reading database/config/{BILLING}: permission denied")
    }
    assert res.stderr == "secretscan: rotate: 1 failed\n"


def test_vault_unreachable_is_exit_2_and_one_line(live) -> None:  # type: ignore[no-untyped-def]
    addr = f"http://127.0.0.1:{free_port()}"
    res = run(cwd=live["repo"], token=live["token"], addr=addr)
    assert (res.returncode, res.stdout) == (2, "")
    assert res.stderr == f"secretscan: error: cannot reach Vault at {addr}: ConnectionError\n"


def test_runbook_items_need_no_vault(live) -> None:  # type: ignore[no-untyped-def]
    res = run("--format", "json", "--item", FP["stripe"], cwd=live["repo"])
    assert res.returncode == 0, res.stderr
    (item,) = json.loads(res.stdout)["items"]
    assert (item["status"], item["runbook_title"], item["where"]) == ("runbook", "Stripe API keys", ["billing/.env:2"])
    assert STRIPE not in res.stdout


def test_an_unknown_item_is_a_usage_error(live) -> None:  # type: ignore[no-untyped-def]
    res = run("--item", "ffffffffff", cwd=live["repo"])
    assert (res.returncode, res.stdout) == (2, "")
    assert res.stderr == (
        "secretscan: error: --item 'ffffffffff': no planned secret has that fingerprint (see `secretscan inventory`)\n"
    )
