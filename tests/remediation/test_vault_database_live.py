"""The plan's database secrets engine steps, run as written (with `vault` being OpenBao) against
a real PostgreSQL: Vault takes over the admin and rotates it, dynamic credentials log in with
the service's privileges and die on revocation, and the static role kills the leaked password."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from plan_fixtures import PG_URL, inventory, plan_in

from secretscan.remediation.model import PlanOptions

LEAKED = "leaked-app-password-1"
ADMIN_FIRST = "first-admin-password-9"
ROLE = "prod-billing-database-url"


def bash(cmd: str, cwd: Path, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", cmd], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def wait_until(check, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture(scope="module")
def engine(openbao, postgres, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The billing database with its (leaked) application user, and the plan's steps applied."""
    for sql in ("CREATE DATABASE billing", f"CREATE ROLE billing_user LOGIN PASSWORD '{LEAKED}'"):
        assert postgres.psql(sql).returncode == 0
    assert (
        postgres.psql(
            "CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (7); ALTER TABLE invoices OWNER TO billing_user",
            database="billing",
        ).returncode
        == 0
    )
    plan, folder = plan_in(tmp_path_factory.mktemp("db-plan") / "plan", inventory(PG_URL), PlanOptions())
    assert bash("vault/apply.sh", folder, openbao.env()).returncode == 0
    step = next(s for s in plan.document["steps"] if s["fingerprint"] == PG_URL["fingerprint"])
    env = {
        **postgres.env("billing"),
        **openbao.env(),
        "PATH": f"{openbao.shim_dir}:{postgres.bindir}:{openbao.env()['PATH']}",
        "DB_APP_USER": "billing_user",
    }
    for cmd in step["commands"]:
        if cmd.startswith("kubectl "):  # the Kubernetes side is validated by the ESO tests
            continue
        if cmd == "psql -c '\\password vault_admin'":  # interactive in real life: the test sets it
            cmd = f"psql -c \"ALTER ROLE vault_admin PASSWORD '{ADMIN_FIRST}'\""
        res = bash(cmd, folder, env, stdin=ADMIN_FIRST if "password=-" in cmd else None)
        assert res.returncode == 0, f"{cmd}\n{res.stdout}\n{res.stderr}"
    return plan, folder, step


def test_the_step_is_exactly_the_engine_setup(engine) -> None:  # type: ignore[no-untyped-def]
    _, _, step = engine
    folder = f"vault/database/{ROLE}/postgresql"
    assert [c for c in step["commands"] if not c.startswith("kubectl apply -f kubernetes/")] == [
        f'psql -v ON_ERROR_STOP=1 -v app_user="$DB_APP_USER" -f {folder}/setup.sql',
        "psql -c '\\password vault_admin'",
        "vault read sys/mounts/database >/dev/null 2>&1 || vault secrets enable database",
        f'bin/stdin-secret.sh vault write database/config/{ROLE} @{folder}/connection.json connection_url="postgresql://{{{{username}}}}:'
        '{{password}}@${PGHOST}:${PGPORT:-5432}/${PGDATABASE}?sslmode=${PGSSLMODE:-verify-full}" password=-',
        f"vault write -force database/rotate-root/{ROLE}",
        f"vault write database/roles/{ROLE} @{folder}/role.json",
        f'vault write database/static-roles/{ROLE}-static @{folder}/static-role.json username="$DB_APP_USER"',
        f"vault read -field=username database/creds/{ROLE}",
    ]


def test_vault_rotated_its_admin_password_away(engine, postgres) -> None:  # type: ignore[no-untyped-def]
    assert postgres.psql("select 1", user="vault_admin", password=ADMIN_FIRST).returncode != 0


def test_a_dynamic_credential_logs_in_with_the_service_privileges_and_dies_on_revocation(
    engine, openbao, postgres
) -> None:  # type: ignore[no-untyped-def]
    root = openbao.client()
    token = root.auth.token.create(policies=["prod-billing"], ttl="10m")["auth"]["client_token"]
    cred = openbao.client(token).read(f"database/creds/{ROLE}")
    user, password = cred["data"]["username"], cred["data"]["password"]
    assert cred["lease_duration"] == 3600
    got = postgres.psql(
        "select current_user || ':' || (select id from invoices)", user=user, password=password, database="billing"
    )
    assert (got.returncode, got.stdout.strip()) == (0, f"{user}:7"), got.stderr
    root.sys.revoke_lease(cred["lease_id"])
    assert wait_until(
        lambda: postgres.psql(f"select count(*) from pg_roles where rolname = '{user}'").stdout.strip() == "0"
    )
    assert postgres.psql("select 1", user=user, password=password, database="billing").returncode != 0


def test_the_role_ttls_are_one_hour_and_one_day(engine, openbao) -> None:  # type: ignore[no-untyped-def]
    role = openbao.client().read(f"database/roles/{ROLE}")["data"]
    assert (role["default_ttl"], role["max_ttl"]) == (3600, 86400)


def test_the_static_role_kills_the_leaked_password(engine, openbao, postgres) -> None:  # type: ignore[no-untyped-def]
    token = openbao.client().auth.token.create(policies=["prod-billing"], ttl="10m")["auth"]["client_token"]
    static = openbao.client(token).read(f"database/static-creds/{ROLE}-static")["data"]
    assert static["username"] == "billing_user" and static["rotation_period"] == 30 * 24 * 3600
    assert postgres.psql("select 1", user="billing_user", password=LEAKED, database="billing").returncode != 0
    ok = postgres.psql(
        "select count(*) from invoices", user="billing_user", password=static["password"], database="billing"
    )
    assert (ok.returncode, ok.stdout.strip()) == (0, "1")
