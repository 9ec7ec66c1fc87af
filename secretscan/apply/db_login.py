"""Can this user log in with this password? The one question ``secretscan rotate`` asks a
database, before a rotation (whose password is the leaked one) and after it (the leaked password
must be refused, the credential Vault hands out must work).

The database is the one Vault's database engine connects to: its host, port and database come
from the engine's connection URL (the ``{{username}}``/``{{password}}`` templates are ignored).
Pure-Python drivers (pg8000, PyMySQL) are imported only here, only when asked. A refused login is
an answer (False); a database that cannot be reached, or that answers something other than
"authentication failed", is a one-line ``DbError``. No message ever carries a password.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from secretscan.errors import EXIT_USAGE, SecretscanError

TIMEOUT = 10.0
# PostgreSQL SQLSTATEs: 28P01 invalid_password, 28000 invalid_authorization_specification (no
# login, pg_hba reject); 42501 insufficient_privilege comes after authentication succeeded.
_PG_REFUSED = frozenset({"28P01", "28000"})
_PG_LOGGED_IN = frozenset({"42501"})
# MySQL: 1045 access denied (authentication); 1044 access denied to the database (after login).
_MY_REFUSED = frozenset({1045})
_MY_LOGGED_IN = frozenset({1044})
_MY_DSN = re.compile(r"@(?:tcp\((?P<addr>[^)]*)\))?/(?P<db>[^?]*)")
_KV = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")


class DbError(SecretscanError):
    """The database could not be reached, or answered something unexpected."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True, slots=True)
class DbTarget:
    flavour: str  # postgresql | mysql
    host: str
    port: int
    database: str | None
    sslmode: str = "disable"  # PostgreSQL sslmode (disable | allow | prefer | require | verify-ca | verify-full)

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}/{self.database or ''}"


def flavour_of(plugin_name: str) -> str | None:
    """postgresql | mysql from Vault's plugin name (mysql-aurora-, mysql-rds-, mysql-legacy- too)."""
    name = plugin_name.lower()
    if name.startswith("postgresql"):
        return "postgresql"
    if name.startswith("mysql"):
        return "mysql"
    return None


def target(flavour: str, connection_url: str) -> DbTarget:
    """Host, port and database from the engine's connection URL (URL or key=value form)."""
    parsed = _pg_target(connection_url) if flavour == "postgresql" else _mysql_target(connection_url)
    if parsed is None:
        raise DbError(f"cannot read a host from Vault's {flavour} connection URL (only TCP hosts are supported)")
    return parsed


def _pg_target(url: str) -> DbTarget | None:
    if "://" in url:
        parts = urlsplit(url)
        try:
            host, port = parts.hostname, parts.port or 5432
        except ValueError:
            return None
        if not host:
            return None
        query = parse_qs(parts.query)
        db = unquote(parts.path.lstrip("/")) or None
        return DbTarget("postgresql", host, port, db, (query.get("sslmode") or ["prefer"])[0])
    pairs = {k: v.strip("'") for k, v in _KV.findall(url)}
    if not pairs.get("host") or pairs["host"].startswith("/"):
        return None
    try:
        port = int(pairs.get("port", "5432"))
    except ValueError:
        return None
    return DbTarget("postgresql", pairs["host"], port, pairs.get("dbname"), pairs.get("sslmode", "prefer"))


def _mysql_target(url: str) -> DbTarget | None:
    m = _MY_DSN.search(url)
    if m is None or not m.group("addr"):
        return None
    host, _, port = m.group("addr").rpartition(":")
    if not host:
        host, port = m.group("addr"), "3306"
    try:
        return DbTarget("mysql", host.strip("[]"), int(port or "3306"), m.group("db") or None)
    except ValueError:
        return None


def can_login(t: DbTarget, user: str, password: str, timeout: float = TIMEOUT) -> bool:
    """True: the login succeeds; False: the database refuses it (wrong password, no login)."""
    return _pg_login(t, user, password, timeout) if t.flavour == "postgresql" else _my_login(t, user, password, timeout)


def _pg_login(t: DbTarget, user: str, password: str, timeout: float) -> bool:
    import pg8000.exceptions  # type: ignore[import-untyped]
    import pg8000.native  # type: ignore[import-untyped]

    contexts = _ssl_contexts(t.sslmode)
    for i, context in enumerate(contexts):
        try:
            conn = pg8000.native.Connection(
                user, host=t.host, port=t.port, database=t.database, password=password,
                ssl_context=context, timeout=timeout, application_name="secretscan-rotate",
            )  # fmt: skip
        except pg8000.exceptions.DatabaseError as exc:
            code = _pg_code(exc)
            if code in _PG_REFUSED:
                return False
            if code in _PG_LOGGED_IN:
                return True
            raise DbError(f"PostgreSQL at {t.label} answered {code or 'an error'}: {_pg_message(exc)}") from None
        except (pg8000.exceptions.InterfaceError, OSError) as exc:
            if i + 1 < len(contexts):  # sslmode prefer/allow: try the other way
                continue
            raise DbError(f"cannot reach PostgreSQL at {t.label}: {_reason(exc)}") from None
        conn.close()
        return True
    raise DbError(f"cannot reach PostgreSQL at {t.label}")  # pragma: no cover - contexts is never empty


def _ssl_contexts(sslmode: str) -> list[ssl.SSLContext | None]:
    """libpq's sslmode as pg8000 SSL contexts, in the order to try them."""
    if sslmode == "disable":
        return [None]
    if sslmode in ("verify-full", "verify-ca"):
        ctx = ssl.create_default_context()
        ctx.check_hostname = sslmode == "verify-full"
        return [ctx]
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    if sslmode == "require":
        return [unverified]
    return [None, unverified] if sslmode == "allow" else [unverified, None]


def _pg_code(exc: BaseException) -> str | None:
    info = exc.args[0] if exc.args else None
    return str(info.get("C")) if isinstance(info, dict) and info.get("C") else None


def _pg_message(exc: BaseException) -> str:
    info = exc.args[0] if exc.args else None
    text = str(info.get("M", "")) if isinstance(info, dict) else str(exc)
    return " ".join(text.split())[:160] or type(exc).__name__


def _my_login(t: DbTarget, user: str, password: str, timeout: float) -> bool:
    import pymysql  # type: ignore[import-untyped]

    try:
        conn = pymysql.connect(
            host=t.host, port=t.port, user=user, password=password, database=t.database,
            connect_timeout=int(max(1, timeout)),
        )  # fmt: skip
    except pymysql.err.OperationalError as exc:
        code = exc.args[0] if exc.args else None
        if code in _MY_REFUSED:
            return False
        if code in _MY_LOGGED_IN:
            return True
        if code in (2003, 2005, 2006, 2013):
            raise DbError(f"cannot reach MySQL at {t.label} (error {code})") from None
        raise DbError(f"MySQL at {t.label} answered error {code}") from None
    except (pymysql.err.Error, OSError) as exc:
        raise DbError(f"cannot reach MySQL at {t.label}: {_reason(exc)}") from None
    conn.close()
    return True


def _reason(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    for e in (exc, cause):
        if isinstance(e, OSError) and e.strerror:
            return e.strerror
    return type(exc).__name__
