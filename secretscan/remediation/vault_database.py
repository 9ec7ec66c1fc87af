"""Vault's database secrets engine for the plan's database credentials: for each one, the
connection, a dynamic role (creation, revocation, renewal statements; TTL 1h, max 24h) and a
static role that takes over and rotates the existing application user, for PostgreSQL and MySQL,
and the SQL that prepares the database for them.

No file here holds a password: the engine's admin password is typed into `psql`'s `\\password`
(or the mysql client) and into Vault through standard input, and Vault rotates it at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from secretscan.remediation.model import Artefact, PlannedSecret, PlanOptions
from secretscan.remediation.planner import engine_role

DEFAULT_TTL = "1h"
MAX_TTL = "24h"
ADMIN = "vault_admin"
FLAVOURS = ("postgresql", "mysql")


@dataclass(frozen=True, slots=True)
class DbRole:
    """Names for one database credential's engine configuration."""

    role: str  # dynamic role and connection name, e.g. prod-api-database-url
    group: str  # the database role holding the application's privileges, e.g. api_app
    flavour: str  # postgresql | mysql
    rotation_days: int

    @property
    def static_role(self) -> str:
        return f"{self.role}-static"

    @property
    def folder(self) -> str:
        return f"vault/database/{self.role}/{self.flavour}"


def flavours_of(secret: PlannedSecret) -> tuple[str, ...]:
    """The flavours written for a dynamic database credential (both when unrecognised)."""
    return (secret.engine,) if secret.engine in FLAVOURS else FLAVOURS


def db_roles(secret: PlannedSecret, options: PlanOptions) -> tuple[DbRole, ...]:
    role = engine_role(secret, options)
    group = f"{secret.service.replace('-', '_')}_app"
    return tuple(DbRole(role, group, flavour, secret.rotation_days) for flavour in flavours_of(secret))


def artefacts(secret: PlannedSecret, options: PlanOptions) -> list[Artefact]:
    out: list[Artefact] = []
    for r in db_roles(secret, options):
        fp = (secret.fingerprint,)
        out += [
            Artefact(
                f"{r.folder}/setup.sql",
                setup_sql(r),
                "vault-database-setup",
                f"prepares the {r.flavour} database for Vault ({r.role})",
                fp,
            ),
            Artefact(
                f"{r.folder}/connection.json",
                _json(connection(r)),
                "vault-database-connection",
                f"database/config/{r.role}: the engine's connection (no password)",
                fp,
            ),
            Artefact(
                f"{r.folder}/role.json",
                _json(dynamic_role(r)),
                "vault-database-role",
                f"database/roles/{r.role}: dynamic credentials, TTL {DEFAULT_TTL}, max {MAX_TTL}",
                fp,
            ),
            Artefact(
                f"{r.folder}/static-role.json",
                _json(static_role(r)),
                "vault-database-static-role",
                f"database/static-roles/{r.static_role}: rotates the existing application user",
                fp,
            ),
        ]
    return out


def _json(doc: object) -> str:
    return json.dumps(doc, indent=2) + "\n"


def connection(r: DbRole) -> dict[str, object]:
    """The connection without its URL's host part (given when applied) and without password."""
    doc: dict[str, object] = {
        "plugin_name": "postgresql-database-plugin" if r.flavour == "postgresql" else "mysql-database-plugin",
        "allowed_roles": [r.role, r.static_role],
        "username": ADMIN,
        "verify_connection": True,
        "max_open_connections": 4,
        "max_connection_lifetime": "5m",
    }
    if r.flavour == "postgresql":
        doc["password_authentication"] = "scram-sha-256"
    return doc


def connection_url(r: DbRole) -> str:
    """The URL as a shell word: templates Vault fills in, the host from libpq/mysql variables."""
    if r.flavour == "postgresql":
        return 'connection_url="postgresql://{{username}}:{{password}}@${PGHOST}:${PGPORT:-5432}/${PGDATABASE}?sslmode=${PGSSLMODE:-verify-full}"'
    return 'connection_url="{{username}}:{{password}}@tcp(${MYSQL_HOST}:${MYSQL_TCP_PORT:-3306})/"'


def dynamic_role(r: DbRole) -> dict[str, object]:
    if r.flavour == "postgresql":
        creation = [
            "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' INHERIT;",
            f'GRANT "{r.group}" TO "{{{{name}}}}";',
        ]
        revocation = [
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';",
            f'REVOKE "{r.group}" FROM "{{{{name}}}}";',
            'DROP ROLE IF EXISTS "{{name}}";',
        ]
        renew = ["ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';"]
        rollback = ['DROP ROLE IF EXISTS "{{name}}";']
    else:
        creation = [
            "CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}';",
            f"GRANT '{r.group}' TO '{{{{name}}}}'@'%';",
            f"SET DEFAULT ROLE '{r.group}' TO '{{{{name}}}}'@'%';",
        ]
        revocation = ["DROP USER IF EXISTS '{{name}}'@'%';"]
        renew = []
        rollback = ["DROP USER IF EXISTS '{{name}}'@'%';"]
    doc: dict[str, object] = {
        "db_name": r.role,
        "creation_statements": creation,
        "revocation_statements": revocation,
        "rollback_statements": rollback,
        "default_ttl": DEFAULT_TTL,
        "max_ttl": MAX_TTL,
    }
    if renew:
        doc["renew_statements"] = renew
    return doc


def static_role(r: DbRole) -> dict[str, object]:
    """Vault takes over the existing application user (its name given when applied) and rotates
    its password now and every rotation period: the leaked password dies on the first write."""
    rotation = (
        ["ALTER ROLE \"{{name}}\" WITH PASSWORD '{{password}}';"]
        if r.flavour == "postgresql"
        else ["ALTER USER '{{name}}'@'%' IDENTIFIED BY '{{password}}';"]
    )
    return {"db_name": r.role, "rotation_period": f"{r.rotation_days * 24}h", "rotation_statements": rotation}


def setup_sql(r: DbRole) -> str:
    return (
        _PG_SETUP.format(role=r.role, group=r.group, admin=ADMIN)
        if r.flavour == "postgresql"
        else _MYSQL_SETUP.format(role=r.role, group=r.group, admin=ADMIN)
    )


def commands(r: DbRole) -> tuple[str, ...]:
    """Applying the engine for one role, in order. Values come from a prompt or stdin only."""
    if r.flavour == "postgresql":
        prepare = (
            f'psql -v ON_ERROR_STOP=1 -v app_user="$DB_APP_USER" -f {r.folder}/setup.sql',
            f"psql -c '\\password {ADMIN}'",
        )
    else:
        prepare = (
            f'mysql --init-command="SET @app_user = \'$DB_APP_USER\'" "$MYSQL_DATABASE" < {r.folder}/setup.sql',
            "mysql  # interactive: ALTER USER 'vault_admin'@'%' IDENTIFIED BY '<new password>';",
        )
    return (
        *prepare,
        "vault read sys/mounts/database >/dev/null 2>&1 || vault secrets enable database",
        f"bin/stdin-secret.sh vault write database/config/{r.role} @{r.folder}/connection.json {connection_url(r)} password=-",
        f"vault write -force database/rotate-root/{r.role}",
        f"vault write database/roles/{r.role} @{r.folder}/role.json",
        f'vault write database/static-roles/{r.static_role} @{r.folder}/static-role.json username="$DB_APP_USER"',
        f"vault read -field=username database/creds/{r.role}",
    )


_PG_SETUP = """\
-- secretscan plan: PostgreSQL roles for Vault's database secrets engine ({role}).
-- Run once as a superuser (or the database owner), connected to the application's database,
-- with the existing application user's name (not its password):
--   psql -v ON_ERROR_STOP=1 -v app_user="$DB_APP_USER" -f setup.sql
-- Then give {admin} a password interactively, never on a command line:  \\password {admin}
-- Vault rotates it as soon as the connection is written (database/rotate-root), so nobody
-- keeps it.
SELECT 'CREATE ROLE "{admin}" WITH LOGIN CREATEROLE'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{admin}') \\gexec
SELECT 'CREATE ROLE "{group}" NOLOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') \\gexec

-- {admin} grants {group} to each short-lived user, ends their sessions on revocation, and
-- manages the existing application user for the static role.
GRANT "{group}" TO "{admin}" WITH ADMIN OPTION;
GRANT pg_signal_backend TO "{admin}";
GRANT :"app_user" TO "{admin}" WITH ADMIN OPTION;

-- The application's privileges belong to {group}, never to the short-lived users (so they own
-- nothing and drop cleanly). Adjust to what the service needs:
GRANT CONNECT ON DATABASE :"DBNAME" TO "{group}";
GRANT USAGE ON SCHEMA public TO "{group}";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{group}";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{group}";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{group}";
"""

_MYSQL_SETUP = """\
-- secretscan plan: MySQL 8 roles for Vault's database secrets engine ({role}).
-- Run once as an administrator, on the application's database, with the existing
-- application user's name (not its password) in @app_user:
--   mysql --init-command="SET @app_user = '$DB_APP_USER'" "$MYSQL_DATABASE" < setup.sql
-- Then, in an interactive mysql session (the client keeps lines with IDENTIFIED out of its
-- history), give {admin} a password:  ALTER USER '{admin}'@'%' IDENTIFIED BY '...';
-- Vault rotates it as soon as the connection is written (database/rotate-root).
CREATE USER IF NOT EXISTS '{admin}'@'%';
CREATE ROLE IF NOT EXISTS '{group}';
GRANT CREATE USER ON *.* TO '{admin}'@'%';
GRANT '{group}' TO '{admin}'@'%' WITH ADMIN OPTION;

-- The application's privileges belong to {group} (adjust to what the service needs):
SET @grant = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON `', DATABASE(), '`.* TO ''{group}''');
PREPARE stmt FROM @grant;
EXECUTE stmt;
DEALLOCATE PREPARE stmt;
"""
