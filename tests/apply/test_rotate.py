"""`apply.rotate` and `apply.db_login`: which Vault endpoint a leaked database password calls for,
what proves it dead, the runbook for the rest; the login probe against a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hvac
import pytest
from live_services import free_port, postgres  # noqa: F401 - session fixture
from plan_fixtures import PG_URL, STRIPE, inventory

from secretscan.apply import rotate as rot
from secretscan.apply.db_login import DbError, DbTarget, can_login, target
from secretscan.errors import UsageError
from secretscan.remediation.model import PlanOptions
from secretscan.remediation.planner import plan_secrets

OPTIONS = PlanOptions()
ROLE = "prod-billing-database-url"
STATIC = f"{ROLE}-static"
PG = DbTarget("postgresql", "db.internal", 5432, "billing", "disable")
LEAKED = "leaked-Pw-1"
NEW_STATIC = "vault-issued-static-pw"
DYNAMIC = ("v-token-x", "vault-issued-dynamic-pw")


def secrets() -> dict[str, Any]:
    return {s.type: s for s in plan_secrets(inventory(PG_URL, STRIPE), OPTIONS)}


class FakeVault:
    """The database engine's endpoints, as hvac answers them; records every write."""

    def __init__(self, *, static_user: str | None = "billing_user", root_user: str = "vault_admin", role: bool = True):
        self.paths: dict[str, dict[str, Any]] = {
            f"database/config/{ROLE}": {
                "data": {
                    "plugin_name": "postgresql-database-plugin",
                    "connection_details": {
                        "connection_url": "postgresql://{{username}}:{{password}}@db.internal:5432/billing?sslmode=disable",
                        "username": root_user,
                    },
                }
            },
            f"database/static-creds/{STATIC}": {"data": {"username": static_user, "password": NEW_STATIC}},
            f"database/creds/{ROLE}": {"lease_id": "lease-1", "data": {"username": DYNAMIC[0], "password": DYNAMIC[1]}},
        }
        if static_user:
            self.paths[f"database/static-roles/{STATIC}"] = {"data": {"username": static_user}}
        if role:
            self.paths[f"database/roles/{ROLE}"] = {"data": {}}
        self.writes: list[str] = []
        self.revoked: list[str] = []
        self.refuse: set[str] = set()
        self.sys = self

    def read(self, path: str) -> dict[str, Any]:
        if path in self.refuse:
            raise hvac.exceptions.Forbidden("1 error occurred:\n\t* permission denied\n\n")
        if path not in self.paths:
            raise hvac.exceptions.InvalidPath()
        return self.paths[path]

    def write_data(self, path: str) -> None:
        if path in self.refuse:
            raise hvac.exceptions.Forbidden("1 error occurred:\n\t* permission denied\n\n")
        self.writes.append(path)

    def revoke_lease(self, lease_id: str) -> None:
        self.revoked.append(lease_id)


class FakeDb:
    """Which (user, password) pairs log in; a rotation endpoint changes them as Vault would."""

    def __init__(self, vault: FakeVault, valid: set[tuple[str, str]], *, stuck: bool = False) -> None:
        self.vault, self.valid, self.stuck = vault, set(valid), stuck
        self.tried: list[tuple[str, str]] = []

    def __call__(self, t: DbTarget, user: str, password: str) -> bool:
        assert t == PG
        self.tried.append((user, password))
        if not self.stuck:
            for w in self.vault.writes:
                if w.startswith("database/rotate-role/"):
                    self.valid = {(u, p) for u, p in self.valid if u != "billing_user"} | {("billing_user", NEW_STATIC)}
                if w.startswith("database/rotate-root/"):
                    self.valid = {(u, p) for u, p in self.valid if u != "vault_admin"} | {DYNAMIC}
        return (user, password) in self.valid


def run(vault: FakeVault, db: FakeDb, value: str | None = LEAKED) -> rot.Outcome:
    s = secrets()["database_credentials"]
    values = {s.fingerprint: value} if value is not None else {}
    (out,) = rot.rotate([s], OPTIONS, values, Path("/nonexistent"), lambda: vault, db)
    return out


def test_a_leaked_static_role_user_is_rotated_by_the_static_role_and_proved() -> None:
    vault = FakeVault()
    db = FakeDb(vault, {("billing_user", LEAKED)})
    out = run(vault, db)
    assert vault.writes == [f"database/rotate-role/{STATIC}"]
    assert (out.status, out.action, out.vault_path, out.credential_path, out.user, out.database) == (
        "rotated",
        "rotate-role",
        f"database/rotate-role/{STATIC}",
        f"database/static-creds/{STATIC}",
        "billing_user",
        "db.internal:5432/billing",
    )
    assert out.detail == (
        f"database/rotate-role/{STATIC} done (user billing_user); the leaked password is refused by "
        f"db.internal:5432/billing; the new credential from database/static-creds/{STATIC} logs in"
    )
    # probed before, proved refused after, and the new credential tried
    assert db.tried == [
        ("billing_user", LEAKED),
        ("billing_user", LEAKED),
        ("vault_admin", LEAKED),
        ("billing_user", NEW_STATIC),
    ]


def test_a_leaked_root_user_is_rotated_by_rotate_root_and_proved_with_a_revoked_dynamic_credential() -> None:
    vault = FakeVault(static_user=None)
    db = FakeDb(vault, {("vault_admin", LEAKED)})
    out = run(vault, db)
    assert vault.writes == [f"database/rotate-root/{ROLE}"]
    assert vault.revoked == ["lease-1"]
    assert (out.status, out.action, out.credential_path, out.user) == (
        "rotated",
        "rotate-root",
        f"database/creds/{ROLE}",
        "vault_admin",
    )
    assert out.detail == (
        f"database/rotate-root/{ROLE} done (user vault_admin); the leaked password is refused by "
        f"db.internal:5432/billing; a credential from database/creds/{ROLE} (issued with the new root password) "
        "logs in; it is revoked"
    )


def test_a_proof_credential_vault_cannot_revoke_is_noted_not_fatal() -> None:
    vault = FakeVault(static_user=None)

    def refuse(lease_id: str) -> None:
        raise hvac.exceptions.InternalServerError("1 error occurred:\n\t* must be a member of pg_signal_backend\n")

    vault.revoke_lease = refuse  # type: ignore[method-assign]
    out = run(vault, FakeDb(vault, {("vault_admin", LEAKED)}))
    assert out.status == "rotated"
    assert out.detail.endswith(
        "logs in; revoking it failed: must be a member of pg_signal_backend (Vault retries until its lease ends)"
    )


def test_a_root_rotation_without_a_dynamic_role_trusts_vaults_own_check() -> None:
    vault = FakeVault(static_user=None, role=False)
    out = run(vault, FakeDb(vault, {("vault_admin", LEAKED)}))
    assert (out.status, out.credential_path, vault.revoked) == ("rotated", None, [])
    assert out.detail.endswith(
        "Vault holds the new root password (it connected with it to rotate); no role to prove it with"
    )


def test_an_already_dead_password_is_not_rotated_again_but_the_new_credential_is_proved() -> None:
    vault = FakeVault()
    db = FakeDb(vault, {("billing_user", NEW_STATIC)})
    out = run(vault, db)
    assert (vault.writes, out.status, out.action, out.user) == ([], "already-rotated", None, "billing_user")
    assert out.detail == (
        "the leaked password is already refused by db.internal:5432/billing; nothing rotated; "
        f"the new credential from database/static-creds/{STATIC} logs in"
    )


def test_a_rotation_that_leaves_the_old_password_working_fails() -> None:
    vault = FakeVault()
    out = run(vault, FakeDb(vault, {("billing_user", LEAKED)}, stuck=True))
    assert (out.status, out.detail) == (
        "failed",
        "after the rotation the leaked password still logs in to db.internal:5432/billing as billing_user",
    )


def test_a_new_credential_the_database_refuses_fails() -> None:
    vault = FakeVault()
    vault.paths[f"database/static-creds/{STATIC}"]["data"]["password"] = "something-else"
    out = run(vault, FakeDb(vault, {("billing_user", LEAKED)}))
    assert (out.status, out.detail) == (
        "failed",
        f"the credential from database/static-creds/{STATIC} (user billing_user) is refused by db.internal:5432/billing",
    )


def test_vault_refusing_the_rotation_is_one_line_and_nothing_is_claimed() -> None:
    vault = FakeVault()
    vault.refuse.add(f"database/rotate-role/{STATIC}")
    out = run(vault, FakeDb(vault, {("billing_user", LEAKED)}))
    assert (out.status, out.detail, out.action) == (
        "failed",
        f"Vault refused database/rotate-role/{STATIC}: permission denied",
        None,
    )


def test_no_connection_in_vault_says_to_migrate_first() -> None:
    vault = FakeVault()
    del vault.paths[f"database/config/{ROLE}"]
    out = run(vault, FakeDb(vault, set()))
    assert (out.status, out.detail) == (
        "failed",
        (
            f"Vault has no database connection database/config/{ROLE}: run `secretscan migrate` "
            "(or the plan's database engine steps) first"
        ),
    )


def test_a_password_for_a_user_vault_does_not_manage_is_left_to_a_person(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/billing.yaml").write_text(
        "\n" * 29 + f"        value: postgres://reporting:{LEAKED}@db.internal/billing\n"
    )
    vault = FakeVault()
    db = FakeDb(vault, {("reporting", LEAKED)})
    s = secrets()["database_credentials"]
    (out,) = rot.rotate([s], OPTIONS, {s.fingerprint: LEAKED}, tmp_path, lambda: vault, db)
    assert vault.writes == []
    assert (out.status, out.detail) == (
        "failed",
        (
            f"the leaked password logs in to db.internal:5432/billing as reporting, a user Vault's connection {ROLE} "
            "does not manage: rotate it by hand (runbook) or give it to a static role"
        ),
    )


def test_an_unreachable_database_fails_the_item_in_one_line() -> None:
    vault = FakeVault()

    def down(t: DbTarget, user: str, password: str) -> bool:
        raise DbError("cannot reach PostgreSQL at db.internal:5432/billing: Connection refused")

    out = run(vault, down)  # type: ignore[arg-type]
    assert (out.status, out.detail, vault.writes) == (
        "failed",
        "cannot reach PostgreSQL at db.internal:5432/billing: Connection refused",
        [],
    )


def test_a_value_gone_from_the_working_tree_cannot_be_proved_dead() -> None:
    vault = FakeVault()
    out = run(vault, FakeDb(vault, set()), value=None)
    assert (out.status, out.detail) == (
        "failed",
        "the value is no longer in the repository's working tree: nothing to prove dead",
    )


def test_other_secrets_get_their_runbook_with_the_item_filled_in() -> None:
    s = secrets()["api_keys"]
    vault_asked: list[int] = []
    (out,) = rot.rotate([s], OPTIONS, {s.fingerprint: "sk_live_x"}, Path("."), lambda: vault_asked.append(1), can_login)
    assert vault_asked == []
    assert (out.status, out.runbook_title, out.vault_path, out.where, out.consumers) == (
        "runbook",
        "Stripe API keys",
        "secret/data/prod/billing/stripe-key",
        ("deploy/billing.yaml:12",),
        ("billing",),
    )
    assert out.detail == "rotate by hand: runbooks/providers/stripe-keys.md (Stripe API keys); nothing was changed"
    assert "bin/stdin-secret.sh vault kv put -mount=secret prod/billing/stripe-key value=-" in (out.runbook or "")
    assert rot.runbook_header(out) == [
        "provider: Stripe (api_keys)",
        "used in: deploy/billing.yaml:12",
        "Vault path: secret/data/prod/billing/stripe-key",
        "consumers: billing",
    ]


def test_items_are_chosen_by_fingerprint_or_unique_prefix() -> None:
    all_ = tuple(plan_secrets(inventory(PG_URL, STRIPE), OPTIONS))
    pg = secrets()["database_credentials"]
    assert rot.select(all_, ()) == all_
    assert rot.select(all_, (pg.fingerprint[:7].upper(), pg.fingerprint)) == (pg,)
    with pytest.raises(UsageError, match="^--item 'zzz': no planned secret has that fingerprint"):
        rot.select(all_, ("zzz",))
    with pytest.raises(UsageError, match="^--item '': no planned secret has that fingerprint"):
        rot.select(all_, ("",))


def test_old_passwords_include_the_url_decoded_form() -> None:
    assert rot.old_passwords("p%40ss%2Fw") == ("p%40ss%2Fw", "p@ss/w")
    assert rot.old_passwords("plain") == ("plain",)


def test_the_database_address_comes_from_vaults_connection_url() -> None:
    assert target("postgresql", "postgresql://{{username}}:{{password}}@10.0.0.5:6432/app?sslmode=require") == DbTarget(
        "postgresql", "10.0.0.5", 6432, "app", "require"
    )
    assert target("postgresql", "host=db.corp port=5433 dbname=shop user={{username}}") == DbTarget(
        "postgresql", "db.corp", 5433, "shop", "prefer"
    )
    assert target("mysql", "{{username}}:{{password}}@tcp(mysql.corp:3307)/shop") == DbTarget(
        "mysql", "mysql.corp", 3307, "shop", "disable"
    )
    assert target("mysql", "{{username}}:{{password}}@tcp(mysql.corp)/") == DbTarget(
        "mysql", "mysql.corp", 3306, None, "disable"
    )
    with pytest.raises(DbError, match="^cannot read a host from Vault's mysql connection URL"):
        target("mysql", "{{username}}:{{password}}@unix(/run/mysqld.sock)/")
    with pytest.raises(DbError, match="^cannot read a host from Vault's postgresql connection URL"):
        target("postgresql", "host=/var/run/postgresql dbname=x")


def test_can_login_against_a_real_postgresql(postgres) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    assert postgres.psql("CREATE ROLE rot_probe LOGIN PASSWORD 'probe-pw-1'").returncode == 0
    t = DbTarget("postgresql", postgres.host, postgres.port, "postgres", "disable")
    assert can_login(t, "rot_probe", "probe-pw-1") is True
    assert can_login(t, "rot_probe", "wrong-pw") is False
    assert can_login(t, "no_such_user", "probe-pw-1") is False
    assert postgres.psql("ALTER ROLE rot_probe NOLOGIN").returncode == 0
    assert can_login(t, "rot_probe", "probe-pw-1") is False


def test_an_unreachable_database_is_one_line_without_the_password() -> None:
    t = DbTarget("postgresql", "127.0.0.1", free_port(), "postgres", "disable")
    with pytest.raises(DbError) as err:
        can_login(t, "someone", "the-secret-pw", timeout=3)
    assert str(err.value).startswith(f"cannot reach PostgreSQL at 127.0.0.1:{t.port}/postgres")
    assert "\n" not in str(err.value) and "the-secret-pw" not in str(err.value)
