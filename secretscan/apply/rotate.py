"""``secretscan rotate``: kill each planned secret's leaked value.

A database credential the plan hands to Vault's database engine (dynamic, PostgreSQL or MySQL) is
rotated by Vault and the result proved against the database:

1. the engine's connection (``database/config/<role>``) gives the database's address and the
   root user; the static role (``database/static-roles/<role>-static``), if any, the user it
   manages;
2. the leaked value (the one found in the repository) is tried against those users: the one it
   still logs in as is the one to rotate: ``database/rotate-role/<role>-static`` for the static
   role's user, ``database/rotate-root/<role>`` for the root user;
3. after the rotation the leaked value must be refused, and the credential Vault now hands out
   (``static-creds``, or for a root rotation a dynamic credential from ``creds``, revoked at
   once) must log in.

A leaked value that no longer logs in as any of them is reported as already rotated (a re-run
changes nothing). Every other secret gets its rotation runbook, from ``remediation.runbooks``,
with the item's details; nothing is changed for it.

Nothing here prints, and no Outcome holds a value, old or new: user names, paths and the
database's address only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from secretscan.apply.db_login import DbError, DbTarget, can_login, flavour_of, target
from secretscan.apply.vault_conn import one_line
from secretscan.errors import SecretscanError, UsageError
from secretscan.remediation.model import PlannedSecret, PlanOptions
from secretscan.remediation.runbooks import playbook_for, render
from secretscan.remediation.vault_database import FLAVOURS, db_roles

MOUNT = "database"
ROTATED, ALREADY, FAILED, RUNBOOK = "rotated", "already-rotated", "failed", "runbook"

Login = Callable[[DbTarget, str, str], bool]


class RotateError(SecretscanError):
    """One item's rotation could not be done or proved (reported per item, not raised out)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``rotate`` did for one secret. Never a value: names, paths and addresses only."""

    fingerprint: str
    type: str
    provider: str
    service: str
    env_var: str
    preview: str
    where: tuple[str, ...]  # path:line of every location
    consumers: tuple[str, ...]
    status: str  # rotated | already-rotated | failed | runbook
    detail: str  # one line
    action: str | None = None  # rotate-role | rotate-root (database items)
    vault_path: str | None = None  # the rotation endpoint (or the KV path of a runbook item)
    credential_path: str | None = None  # where the new credential is read
    user: str | None = None  # the database user rotated
    database: str | None = None  # host:port/db
    runbook: str | None = None  # the runbook's Markdown (runbook items)
    runbook_title: str | None = None


@dataclass(frozen=True, slots=True)
class Layout:
    """Vault's database engine as it is configured for one planned credential."""

    connection: str
    static_role: str
    target: DbTarget
    root_user: str | None
    static_user: str | None
    dynamic_role: bool


def rotates_in_vault(s: PlannedSecret) -> bool:
    """A credential Vault's database engine manages: planned dynamic, PostgreSQL or MySQL."""
    return s.dynamic and s.type == "database_credentials" and s.engine in (*FLAVOURS, "database")


def select(secrets: Sequence[PlannedSecret], wanted: Sequence[str]) -> tuple[PlannedSecret, ...]:
    """The planned secrets named by fingerprint or unique prefix (all when none is named)."""
    if not wanted:
        return tuple(secrets)
    out: list[PlannedSecret] = []
    for w in wanted:
        key = w.strip().lower()
        hits = [s for s in secrets if s.fingerprint.lower().startswith(key)] if key else []
        if not hits:
            raise UsageError(f"--item {w!r}: no planned secret has that fingerprint (see `secretscan inventory`)")
        if len(hits) > 1:
            raise UsageError(f"--item {w!r} is ambiguous: {len(hits)} secrets start with it, give more characters")
        if hits[0] not in out:
            out.append(hits[0])
    return tuple(out)


def rotate(
    secrets: Iterable[PlannedSecret],
    options: PlanOptions,
    values: Mapping[str, str],
    root: Path,
    vault: Callable[[], Any],
    login: Login = can_login,
) -> tuple[Outcome, ...]:
    """One Outcome per secret; ``vault()`` gives the hvac client, asked for only when needed."""
    out: list[Outcome] = []
    for s in secrets:
        if not rotates_in_vault(s):
            out.append(runbook(s, options))
            continue
        try:
            out.append(rotate_database(s, options, values.get(s.fingerprint), root, vault(), login))
        except (RotateError, DbError) as exc:
            out.append(_outcome(s, FAILED, str(exc)))
    return tuple(out)


def runbook(s: PlannedSecret, options: PlanOptions) -> Outcome:
    path, book = playbook_for(s)
    text = render(book, [s], options)
    kv = None if s.dynamic else s.backend_path
    return _outcome(
        s,
        RUNBOOK,
        f"rotate by hand: runbooks/{path}.md ({book.title}); nothing was changed",
        vault_path=kv,
        credential_path=s.dynamic_path,
        runbook=text,
        runbook_title=book.title,
    )


def rotate_database(
    s: PlannedSecret, options: PlanOptions, value: str | None, root: Path, client: Any, login: Login
) -> Outcome:
    if not value:
        raise RotateError("the value is no longer in the repository's working tree: nothing to prove dead")
    lay = layout(client, s, options)
    olds = old_passwords(value)
    users = _candidates(lay, url_users(s, value, root))
    leaked_as = _logs_in_as(lay.target, users, olds, login)
    if leaked_as is None:
        return _verified(s, lay, client, login, None, olds, users)
    if leaked_as == lay.static_user:
        endpoint = f"{MOUNT}/rotate-role/{lay.static_role}"
    elif leaked_as == lay.root_user:
        endpoint = f"{MOUNT}/rotate-root/{lay.connection}"
    else:
        raise RotateError(
            f"the leaked password logs in to {lay.target.label} as {leaked_as}, a user Vault's connection "
            f"{lay.connection} does not manage: rotate it by hand (runbook) or give it to a static role"
        )
    _vault_call(lambda: client.write_data(endpoint), f"Vault refused {endpoint}")
    return _verified(s, lay, client, login, (endpoint, leaked_as), olds, users)


def layout(client: Any, s: PlannedSecret, options: PlanOptions) -> Layout:
    """The plan's names (connection, static role) with what Vault holds under them."""
    r = db_roles(s, options)[0]
    conn = _read(client, f"{MOUNT}/config/{r.role}")
    if conn is None:
        raise RotateError(
            f"Vault has no database connection {MOUNT}/config/{r.role}: run `secretscan migrate` "
            "(or the plan's database engine steps) first"
        )
    data = conn.get("data") or {}
    details = data.get("connection_details") or {}
    flavour = flavour_of(str(data.get("plugin_name", "")))
    if flavour is None:
        raise RotateError(f"{MOUNT}/config/{r.role} uses plugin {data.get('plugin_name')!r}: only PostgreSQL and MySQL")
    static = _read(client, f"{MOUNT}/static-roles/{r.static_role}")
    return Layout(
        connection=r.role,
        static_role=r.static_role,
        target=target(flavour, str(details.get("connection_url", ""))),
        root_user=str(details["username"]) if details.get("username") else None,
        static_user=str((static.get("data") or {}).get("username")) if static else None,
        dynamic_role=_read(client, f"{MOUNT}/roles/{r.role}") is not None,
    )


def old_passwords(value: str) -> tuple[str, ...]:
    """The leaked value as a password: as found, and percent-decoded when it sat in a URL."""
    return tuple(dict.fromkeys((value, unquote(value))))


def url_users(s: PlannedSecret, value: str, root: Path) -> tuple[str, ...]:
    """User names written next to the value in a connection URL (``scheme://USER:VALUE@``)."""
    pattern = re.compile(r"://([^\s:/@'\"`<>{}]{1,64}):" + re.escape(value) + "@")
    found: list[str] = []
    for loc in s.locations:
        if loc.get("in_tip") is False or not isinstance(loc.get("path"), str):
            continue
        line = _line(root / str(loc["path"]), int(loc.get("line") or 0))
        for m in pattern.finditer(line):
            found.append(unquote(m.group(1)))
    return tuple(dict.fromkeys(found))


def _line(path: Path, number: int) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _candidates(lay: Layout, extra: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in (lay.static_user, lay.root_user, *extra) if u))


def _logs_in_as(t: DbTarget, users: Iterable[str], passwords: Sequence[str], login: Login) -> str | None:
    for user in users:
        if any(login(t, user, p) for p in passwords):
            return user
    return None


def _verified(
    s: PlannedSecret,
    lay: Layout,
    client: Any,
    login: Login,
    rotated: tuple[str, str] | None,
    olds: Sequence[str],
    users: Sequence[str],
) -> Outcome:
    """Prove the rotation: the leaked value refused for every user, Vault's credential works."""
    still = _logs_in_as(lay.target, users, olds, login)
    if still is not None:
        raise RotateError(f"after the rotation the leaked password still logs in to {lay.target.label} as {still}")
    user = rotated[1] if rotated else (lay.static_user or lay.root_user)
    static = lay.static_user is not None and user == lay.static_user
    cred_path, proof = _new_credential(lay, client, login, static)
    if rotated is None:
        status, detail = (
            ALREADY,
            f"the leaked password is already refused by {lay.target.label}; nothing rotated; {proof}",
        )
    else:
        status, detail = (
            ROTATED,
            f"{rotated[0]} done (user {user}); the leaked password is refused by {lay.target.label}; {proof}",
        )
    return _outcome(
        s,
        status,
        detail,
        action=(rotated[0].split("/")[1] if rotated else None),
        vault_path=rotated[0] if rotated else None,
        credential_path=cred_path,
        user=user,
        database=lay.target.label,
    )


def _new_credential(lay: Layout, client: Any, login: Login, static: bool) -> tuple[str | None, str]:
    """Log in with the credential Vault hands out now (a dynamic one is revoked right after)."""
    if static:
        path = f"{MOUNT}/static-creds/{lay.static_role}"
        data = _vault_call(lambda: client.read(path), f"Vault refused to read {path}") or {}
        cred = data.get("data") or {}
        _must_log_in(lay.target, cred, login, path)
        return path, f"the new credential from {path} logs in"
    if not lay.dynamic_role:
        return None, "Vault holds the new root password (it connected with it to rotate); no role to prove it with"
    path = f"{MOUNT}/creds/{lay.connection}"
    data = _vault_call(lambda: client.read(path), f"Vault refused to read {path}") or {}
    try:
        _must_log_in(lay.target, data.get("data") or {}, login, path)
    finally:
        revoked = _revoke(client, data.get("lease_id"))
    return path, f"a credential from {path} (issued with the new root password) logs in; {revoked}"


def _revoke(client: Any, lease_id: object) -> str:
    """Revoke the credential issued as proof; a refusal is noted, not fatal (Vault retries)."""
    if not isinstance(lease_id, str) or not lease_id:
        return "it has no lease to revoke"
    try:
        _vault_call(lambda: client.sys.revoke_lease(lease_id), "revoking it failed")
    except RotateError as exc:
        return f"{exc} (Vault retries until its lease ends)"
    return "it is revoked"


def _must_log_in(t: DbTarget, cred: Mapping[str, Any], login: Login, path: str) -> None:
    user, password = cred.get("username"), cred.get("password")
    if not isinstance(user, str) or not isinstance(password, str):
        raise RotateError(f"{path} gave no username and password")
    if not login(t, user, password):
        raise RotateError(f"the credential from {path} (user {user}) is refused by {t.label}")


def _read(client: Any, path: str) -> dict[str, Any] | None:
    """A Vault read; None when nothing is there."""
    try:
        res: dict[str, Any] | None = _vault_call(lambda: client.read(path), f"Vault: reading {path}")
    except _Missing:
        return None
    return res


class _Missing(RotateError):
    """Nothing at the path read (404)."""


def _vault_call(call: Callable[[], Any], what: str) -> Any:
    import hvac  # type: ignore[import-untyped]
    import requests

    try:
        res = call()
    except hvac.exceptions.InvalidPath:
        raise _Missing(f"{what}: nothing there") from None
    except (hvac.exceptions.VaultError, requests.exceptions.RequestException, OSError) as exc:
        raise RotateError(f"{what}: {_vault_reason(exc)}") from None
    return res if isinstance(res, dict) else None


def _vault_reason(exc: BaseException) -> str:
    import requests

    if isinstance(exc, requests.exceptions.RequestException):
        return f"cannot reach Vault ({type(exc).__name__})"
    text = str(exc.args[0]) if exc.args and exc.args[0] else type(exc).__name__  # hvac's str() adds the URL
    items = re.findall(r"^\s*\* (.+)$", text, flags=re.MULTILINE)  # Vault's "1 error occurred:\n\t* permission denied"
    return one_line(RotateError("; ".join(items) if items else text))


def _outcome(s: PlannedSecret, status: str, detail: str, **extra: Any) -> Outcome:
    return Outcome(
        fingerprint=s.fingerprint,
        type=s.type,
        provider=s.provider,
        service=s.service,
        env_var=s.env_var,
        preview=s.preview,
        where=tuple(f"{loc.get('path', '?')}:{loc.get('line', '?')}" for loc in s.locations),
        consumers=s.consumers or (s.service,),
        status=status,
        detail=detail,
        **extra,
    )


def runbook_header(o: Outcome) -> list[str]:
    """The item's details above its runbook."""
    return [
        f"provider: {o.provider or 'unknown'} ({o.type})",
        f"used in: {', '.join(o.where) or '?'}",
        f"Vault path: {o.vault_path or o.credential_path or 'none planned'}",
        f"consumers: {', '.join(o.consumers)}",
    ]
