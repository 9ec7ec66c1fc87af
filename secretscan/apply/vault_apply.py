"""Values and configuration into Vault (or OpenBao), for ``secretscan migrate``.

``put_values`` writes each stored secret's value to its planned KV v2 path and key with
check-and-set, reads it back and compares; ``apply_config`` uploads the plan's policies, auth
method and roles, and the database secrets engine for dynamic database credentials. Both
return typed outcomes, one per secret (or per configuration object), and print nothing.

Values are held in memory only: no outcome, reason or exception carries one (a reason that
echoes a server message is scrubbed of every value first).

When Vault stops answering mid-way (connection refused, timeout, sealed) nothing raises: the
path being written is reported ``failed`` with the stage it reached (nothing written / state
unknown / written but not read back), and every later one ``failed`` as not attempted. The
caller therefore always learns exactly which secrets were written (``ok`` outcomes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from secretscan.apply.vault_conn import one_line
from secretscan.remediation import vault
from secretscan.remediation import vault_database as vdb
from secretscan.remediation.model import Backend, PlanContext, PlannedSecret, Target
from secretscan.remediation.planner import engine_role

KvStatus = Literal["written", "present", "conflict", "failed", "skipped"]
# verified: a check that ran and succeeded (a dynamic credential was issued and revoked)
ConfigStatus = Literal["written", "present", "conflict", "failed", "skipped", "verified"]


@dataclass(frozen=True, slots=True)
class KvOutcome:
    """What happened to one secret's value. ``version`` is the KV version holding it (None when
    unknown); ``reason`` says why for anything but a plain write."""

    fingerprint: str
    path: str  # the API path, e.g. secret/data/prod/billing/db-password
    key: str
    status: KvStatus
    version: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """The value is in Vault and was read back equal."""
        return self.status in ("written", "present")


@dataclass(frozen=True, slots=True)
class ConfigOutcome:
    kind: str  # secrets-engine | policy | token-role | auth-method | auth-config | auth-role | database-connection | database-role | database-static-role | database-check
    name: str  # the Vault path or name it concerns
    status: ConfigStatus
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("written", "present", "verified", "skipped")


@dataclass(frozen=True, slots=True)
class KubernetesAuth:
    """What auth/kubernetes/config needs when Vault runs outside the cluster."""

    host: str  # the API server, e.g. https://10.0.0.1:6443
    ca_cert: str = field(repr=False)  # its CA certificate, PEM
    reviewer_jwt: str | None = field(default=None, repr=False)


# ---- values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    secret: PlannedSecret
    value: str | None


def put_values(
    client: Any,
    ctx: PlanContext,
    values: Mapping[str, str],
    *,
    overwrite: bool = False,
    on_outcome: Callable[[Sequence[KvOutcome]], None] | None = None,
) -> list[KvOutcome]:
    """Write every stored secret's value to its KV v2 path (one outcome per secret, in plan
    order grouped by path); ``on_outcome`` receives each path's outcomes as soon as it is done.
    A plan whose backend is not Vault has nothing to write here (empty list)."""
    if ctx.options.backend is not Backend.VAULT:
        return []
    secret_values = [v for v in values.values() if v]
    out: list[KvOutcome] = []
    down: str | None = None
    mounts: dict[str, str | None] = {}
    for path, entries in kv_groups(vault.stored(ctx.secrets), values).items():
        if down is not None:
            result = [_kv(e, path, "failed", None, f"not attempted: {down}") for e in entries]
        else:
            try:
                result = _put_path(client, path, entries, overwrite, mounts)
            except _Stage as exc:
                down = f"Vault unreachable ({exc.cause})"
                result = [_kv(e, path, "failed", None, f"{down} {exc.stage}") for e in entries]
        result = [_scrubbed(o, secret_values) for o in result]
        out += result
        if on_outcome is not None:
            on_outcome(result)
    return out


def kv_groups(secrets: Sequence[PlannedSecret], values: Mapping[str, str]) -> dict[str, list[_Entry]]:
    """KV path -> its secrets (several keys may share a path), in plan order."""
    groups: dict[str, list[_Entry]] = {}
    for s in secrets:
        groups.setdefault(s.backend_path, []).append(_Entry(s, values.get(s.fingerprint) or None))
    return groups


def split_kv(path: str) -> tuple[str, str] | None:
    """``secret/data/prod/x`` -> (``secret``, ``prod/x``); None when it is not a KV v2 data path."""
    mount, sep, rel = path.strip("/").partition("/data/")
    return (mount, rel) if sep and mount and rel else None


class _Stage(Exception):
    def __init__(self, stage: str, cause: str) -> None:
        super().__init__(stage)
        self.stage, self.cause = stage, cause


def _put_path(
    client: Any, path: str, entries: Sequence[_Entry], overwrite: bool, mounts: dict[str, str | None]
) -> list[KvOutcome]:
    split = split_kv(path)
    missing = [e for e in entries if e.value is None]
    skipped = [_kv(e, path, "skipped", None, "no value: the scan did not reveal it") for e in missing]
    entries = [e for e in entries if e.value is not None]
    if not entries:
        return skipped
    if split is None:
        return skipped + [_kv(e, path, "failed", None, "not a KV v2 path (<mount>/data/<path>)") for e in entries]
    mount, rel = split
    with _stage("before anything was written to this path"):
        problem = mounts[mount] if mount in mounts else mounts.setdefault(mount, _ensure_kv2(client, mount))
        if problem is not None:
            return skipped + [_kv(e, path, "failed", None, problem) for e in entries]
        try:
            current, version = _read_kv(client, mount, rel)
        except _hvac_error() as exc:
            return skipped + [_kv(e, path, "failed", None, f"cannot read: {one_line(exc)}") for e in entries]
    return skipped + _write_and_verify(client, path, mount, rel, entries, current, version, overwrite)


def _write_and_verify(
    client: Any,
    path: str,
    mount: str,
    rel: str,
    entries: Sequence[_Entry],
    current: Mapping[str, Any],
    version: int,
    overwrite: bool,
) -> list[KvOutcome]:
    present = [e for e in entries if current.get(e.secret.backend_key) == e.value]
    conflicts = [e for e in entries if e.secret.backend_key in current and e not in present]
    absent = [e for e in entries if e not in present and e not in conflicts]
    if conflicts and not overwrite:
        return [
            *(_kv(e, path, "present", version, "already holds this value") for e in present),
            *(
                _kv(e, path, "conflict", version, "holds a different value: left as is (--overwrite replaces it)")
                for e in conflicts
            ),
            *(
                _kv(e, path, "skipped", version or None, "not written: another key of this path is in conflict")
                for e in absent
            ),
        ]
    writes = [*conflicts, *absent]
    if not writes:
        return [_kv(e, path, "present", version, "already holds this value") for e in present]
    data = {**current, **{e.secret.backend_key: e.value for e in writes}}
    with _stage("during the write: whether it was written is unknown, re-run"):
        try:
            res = client.secrets.kv.v2.create_or_update_secret(path=rel, secret=data, cas=version, mount_point=mount)
        except _hvac_error() as exc:
            text = one_line(exc)
            why = (
                "changed by someone else during the write (check-and-set): re-run" if "check-and-set" in text else text
            )
            return [
                *(_kv(e, path, "present", version, "already holds this value") for e in present),
                *(_kv(e, path, "failed", version or None, f"not written: {why}") for e in writes),
            ]
    new_version = int(res["data"]["version"])
    with _stage("after the write, before its read-back: re-run to verify"):
        try:
            back, back_version = _read_kv(client, mount, rel)
        except _hvac_error() as exc:
            back, back_version = {}, new_version
            unread = f"written but not read back: {one_line(exc)}"
        else:
            unread = ""
    return [_verified(e, path, back, back_version, e in present, unread, e in conflicts) for e in entries]


def _verified(
    e: _Entry, path: str, back: Mapping[str, Any], version: int, was_present: bool, unread: str, replaced: bool
) -> KvOutcome:
    if unread:
        return _kv(e, path, "failed", version, unread)
    if back.get(e.secret.backend_key) != e.value:
        return _kv(e, path, "failed", version, "read back differs from the scanned value")
    if was_present:
        return _kv(e, path, "present", version, "already holds this value")
    return _kv(e, path, "written", version, "replaced a different value (--overwrite)" if replaced else "")


def _kv(e: _Entry, path: str, status: KvStatus, version: int | None, reason: str) -> KvOutcome:
    return KvOutcome(e.secret.fingerprint, path, e.secret.backend_key, status, version, reason)


def _read_kv(client: Any, mount: str, rel: str) -> tuple[dict[str, Any], int]:
    """The latest version's data and number ({} and 0 when the path was never written; {} and
    its number when that version is deleted)."""
    try:
        res = client.secrets.kv.v2.read_secret_version(path=rel, mount_point=mount, raise_on_deleted_version=False)
    except _exc().InvalidPath:
        return {}, 0
    body = res.get("data") or {}
    return dict(body.get("data") or {}), int((body.get("metadata") or {}).get("version") or 0)


def _ensure_kv2(client: Any, mount: str) -> str | None:
    """None when ``mount`` is (now) a KV v2 engine, else why not. Enables it when missing; a
    token that may not list the mounts is trusted to have the right one."""
    try:
        mounts = client.sys.list_mounted_secrets_engines()
    except _exc().VaultError:  # e.g. a token that may not list mounts
        return None
    table = mounts.get("data", mounts)
    found = table.get(f"{mount}/")
    if found is None:
        try:
            client.sys.enable_secrets_engine("kv", path=mount, options={"version": "2"})
        except _hvac_error() as exc:
            return f"no KV engine at {mount}/ and cannot enable one: {one_line(exc)}"
        return None
    if found.get("type") not in ("kv", "generic") or str((found.get("options") or {}).get("version")) != "2":
        return f"{mount}/ is not a KV version 2 engine (type {found.get('type')}, version {(found.get('options') or {}).get('version', '1')})"
    return None


def _exc() -> Any:
    """hvac's exception module (imported on use: the scanner never needs hvac)."""
    import hvac.exceptions  # type: ignore[import-untyped]

    return hvac.exceptions


def _hvac_error() -> type[Exception]:
    return _exc().VaultError  # type: ignore[no-any-return]


class _stage:
    """Turns 'Vault stopped answering' into a _Stage naming how far this path got."""

    def __init__(self, stage: str) -> None:
        self.stage = stage

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> Literal[False]:
        if exc is not None and _is_unreachable(exc):
            raise _Stage(self.stage, type(exc).__name__) from None
        return False


def _is_unreachable(exc: BaseException) -> bool:
    import requests

    return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout, _exc().VaultDown))


def _scrubbed(o: KvOutcome, secret_values: Sequence[str]) -> KvOutcome:
    reason = scrub(o.reason, secret_values)
    return o if reason == o.reason else KvOutcome(o.fingerprint, o.path, o.key, o.status, o.version, reason)


def scrub(text: str, secret_values: Sequence[str]) -> str:
    """``text`` with every value (of 4 characters or more) replaced by ``[value]``."""
    for v in sorted(secret_values, key=len, reverse=True):
        if len(v) >= 4 and v in text:
            text = text.replace(v, "[value]")
    return text


# ---- configuration -----------------------------------------------------------------------

Step = tuple[str, str, Callable[[], tuple[ConfigStatus, str]]]


def apply_config(
    client: Any, ctx: PlanContext, values: Mapping[str, str], *, kubernetes: KubernetesAuth | None = None
) -> list[ConfigOutcome]:
    """Configure Vault as the plan says: KV mount, policies (the plan's HCL), break-glass token
    role, auth method and roles, database engine for dynamic database credentials. Idempotent:
    what already is as planned is ``present``; an existing database connection is never
    rewritten (its root password may have been rotated since). Stops trying (``failed``, not
    attempted) once Vault is unreachable."""
    if ctx.options.backend is not Backend.VAULT:
        return []
    live = vault.stored(ctx.secrets)
    steps = [
        ("secrets-engine", vault.KV_MOUNT, lambda: _kv_mount_step(client)),
        *_policy_steps(client, live, ctx),
        *_auth_steps(client, live, ctx, kubernetes),
        *_database_steps(client, live, ctx, values),
    ]
    return _run(steps, [v for v in values.values() if v])


def _run(steps: Sequence[Step], secret_values: Sequence[str]) -> list[ConfigOutcome]:
    out: list[ConfigOutcome] = []
    down: str | None = None
    for kind, name, act in steps:
        if down is not None:
            out.append(ConfigOutcome(kind, name, "failed", f"not attempted: {down}"))
            continue
        try:
            status, reason = act()
        except Exception as exc:
            if _is_unreachable(exc):
                down = f"Vault unreachable ({type(exc).__name__})"
                status, reason = "failed", down
            elif isinstance(exc, _hvac_error()):
                status, reason = "failed", one_line(exc)
            else:
                raise
        out.append(ConfigOutcome(kind, name, status, scrub(reason, secret_values)))
    return out


def _kv_mount_step(client: Any) -> tuple[ConfigStatus, str]:
    mounts = client.sys.list_mounted_secrets_engines()
    had = f"{vault.KV_MOUNT}/" in mounts.get("data", mounts)
    problem = _ensure_kv2(client, vault.KV_MOUNT)
    if problem is not None:
        return "failed", problem
    return ("present", "") if had else ("written", "enabled KV version 2")


# ---- policies ----


def _policy_steps(client: Any, live: Sequence[PlannedSecret], ctx: PlanContext) -> list[Step]:
    options = ctx.options
    texts = {
        vault.policy_name(options, svc): vault.policy_hcl(svc, members, options)
        for svc, members in vault.services(live).items()
    }
    token_roles: dict[str, Mapping[str, Any]] = {}
    for art in vault.break_glass(options):
        name = Path(art.path).stem
        if art.kind == "vault-policy":
            texts[name] = art.content
        elif art.kind == "vault-token-role":
            token_roles[f"auth/token/roles/{name}"] = json.loads(art.content)
    return [
        *[("policy", name, _bind(_put_policy, client, name, text)) for name, text in texts.items()],
        *[("token-role", path, _bind(_put_doc, client, path, doc)) for path, doc in token_roles.items()],
    ]


def _put_policy(client: Any, name: str, text: str) -> tuple[ConfigStatus, str]:
    try:
        current = client.sys.read_policy(name)
    except _exc().InvalidPath:
        current = None
    rules = (current.get("data") or current).get("rules") if current else None
    if rules == text:
        return "present", ""
    client.sys.create_or_update_policy(name=name, policy=text)
    return "written", "" if rules is None else "replaced a different policy of that name"


def _put_doc(client: Any, path: str, doc: Mapping[str, Any]) -> tuple[ConfigStatus, str]:
    """Write ``doc`` at ``path`` unless what is there already says the same."""
    current = client.read(path)
    if current is not None and same(doc, current.get("data") or {}):
        return "present", ""
    client.write_data(path, data=dict(doc))
    return "written", "" if current is None else "updated to the plan's settings"


def same(doc: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Every planned setting already holds (durations compared in seconds)."""
    return all(k in current and _norm(v) == _norm(current[k]) for k, v in doc.items())


def _norm(v: Any) -> Any:
    if isinstance(v, str):
        m = re.fullmatch(r"(\d+)([smhd]?)", v)
        if m:
            return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    if isinstance(v, (list, tuple)):
        return [_norm(x) for x in v]
    return v


def _bind(fn: Callable[..., tuple[ConfigStatus, str]], *args: Any) -> Callable[[], tuple[ConfigStatus, str]]:
    return lambda: fn(*args)


# ---- auth ----


def _auth_steps(
    client: Any, live: Sequence[PlannedSecret], ctx: PlanContext, kube: KubernetesAuth | None
) -> list[Step]:
    options = ctx.options
    method = vault.auth_method(options)
    if options.target is Target.CICD:
        reason = "CI/CD JWT roles need the CI provider's issuer and claims: apply the plan's vault/auth/jwt files"
        return [("auth-method", method, lambda: ("skipped", reason))]
    steps: list[Step] = [("auth-method", method, _bind(_enable_auth, client, method))]
    if method == "kubernetes":
        steps.append(("auth-config", "auth/kubernetes/config", _bind(_kube_config, client, kube)))
    for svc, members in vault.services(live).items():
        name = vault.policy_name(options, svc)
        doc = vault.kubernetes_role(svc, members, options) if method == "kubernetes" else vault.approle(svc, options)
        path = f"auth/{method}/role/{name}"
        steps.append(("auth-role", path, _bind(_put_doc, client, path, doc)))
    return steps


def _enable_auth(client: Any, method: str) -> tuple[ConfigStatus, str]:
    methods = client.sys.list_auth_methods()
    if f"{method}/" in methods.get("data", methods):
        return "present", ""
    client.sys.enable_auth_method(method_type=method, path=method)
    return "written", f"enabled the {method} auth method"


def _kube_config(client: Any, kube: KubernetesAuth | None) -> tuple[ConfigStatus, str]:
    current = client.read("auth/kubernetes/config")
    host = ((current or {}).get("data") or {}).get("kubernetes_host")
    if kube is None:
        if host:
            return "present", ""
        return (
            "skipped",
            "needs kubernetes_host (and the cluster's CA certificate when Vault runs outside it): roles are written, logins fail until it is set",
        )
    if host == kube.host:
        return "present", ""
    if host:
        return "conflict", f"already set to {host}: left as is"
    doc: dict[str, Any] = {
        "kubernetes_host": kube.host,
        "kubernetes_ca_cert": kube.ca_cert,
        "disable_local_ca_jwt": True,
    }
    if kube.reviewer_jwt:
        doc["token_reviewer_jwt"] = kube.reviewer_jwt
    client.write_data("auth/kubernetes/config", data=doc)
    return "written", ""


# ---- database engine ----


@dataclass(frozen=True, slots=True)
class FoundDb:
    """Where a database credential connects, from the connection URL it was found in."""

    flavour: str  # postgresql | mysql
    username: str
    host: str
    port: int
    database: str
    params: tuple[tuple[str, str], ...] = ()

    def vault_url(self) -> str:
        """The connection URL Vault's plugin takes, with its username/password templates."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"?{urlencode(self.params)}" if self.params else ""
        if self.flavour == "postgresql":
            return f"postgresql://{{{{username}}}}:{{{{password}}}}@{host}:{self.port}/{self.database}{query}"
        return f"{{{{username}}}}:{{{{password}}}}@tcp({host}:{self.port})/{self.database}{query}"


_SCHEMES = {
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "postgis": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}
_PORTS = {"postgresql": 5432, "mysql": 3306}
_URL = re.compile(r"(?i)\b(?:jdbc:)?[a-z][a-z0-9+.-]*://[^\s'\"`<>]+")


def parse_db_url(text: str, password: str) -> FoundDb | None:
    """The first PostgreSQL or MySQL URL in ``text`` whose password is ``password``
    (``scheme://user:password@host:port/db`` or JDBC's ``?user=..&password=..``)."""
    for m in _URL.finditer(text):
        found = _parse_one(m.group(0).rstrip(".,;)"), password)
        if found is not None:
            return found
    return None


def _parse_one(url: str, password: str) -> FoundDb | None:
    url = url[5:] if url.lower().startswith("jdbc:") else url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    flavour = _SCHEMES.get(parts.scheme.lower().split("+")[0])
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    user = unquote(parts.username or "") or params.get("user", "")
    given = unquote(parts.password or "") if parts.password is not None else params.get("password")
    if flavour is None or not user or not parts.hostname or given not in (password, unquote(password)):
        return None
    rest = tuple((k, v) for k, v in query if k not in ("user", "password"))
    return FoundDb(flavour, user, parts.hostname, port or _PORTS[flavour], parts.path.lstrip("/"), rest)


def found_db(secret: PlannedSecret, root: Path | None, value: str) -> FoundDb | None:
    """Read the line each location names and find the connection URL holding ``value``."""
    if root is None:
        return None
    for loc in secret.locations:
        try:
            lines = (root / str(loc.get("path", ""))).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        line = int(loc.get("line") or 0)
        if 0 < line <= len(lines):
            found = parse_db_url(lines[line - 1], value)
            if found is not None:
                return found
    return None


def _database_steps(
    client: Any, live: Sequence[PlannedSecret], ctx: PlanContext, values: Mapping[str, str]
) -> list[Step]:
    dynamic = [s for s in live if s.dynamic and s.engine not in vault.CLOUD_ENGINES]
    clouds = sorted({str(s.engine) for s in live if s.dynamic and s.engine in vault.CLOUD_ENGINES})
    steps: list[Step] = [
        (
            "secrets-engine",
            engine,
            _bind(
                _const,
                "skipped",
                f"the {engine} engine needs cloud account credentials: apply the plan's vault/{engine} files",
            ),
        )
        for engine in clouds
    ]
    root = Path(str(ctx.inventory["root"])) if ctx.inventory.get("root") else None
    engine_added = False
    for s in dynamic:
        role = engine_role(s, ctx.options)
        value = values.get(s.fingerprint)
        target = found_db(s, root, value) if value else None
        roles = {r.flavour: r for r in vdb.db_roles(s, ctx.options)}
        if target is None or target.flavour not in roles:
            why = (
                "no value: the scan did not reveal it"
                if not value
                else "no PostgreSQL or MySQL connection URL holding it at its locations"
            )
            steps.append(("database-connection", f"database/config/{role}", _bind(_const, "skipped", why)))
            continue
        if not engine_added:
            steps.append(("secrets-engine", "database", _bind(_enable_engine, client, "database")))
            engine_added = True
        steps += _db_role_steps(client, roles[target.flavour], target, value or "")
    return steps


def _db_role_steps(client: Any, r: vdb.DbRole, target: FoundDb, value: str) -> list[Step]:
    static = f"database/static-roles/{r.static_role}"
    why_static = (
        f"writing it rotates {target.username}'s password at once, before the files reference Vault: "
        "`secretscan rotate` does it"
    )
    return [
        ("database-connection", f"database/config/{r.role}", _bind(_put_connection, client, r, target, value)),
        (
            "database-role",
            f"database/roles/{r.role}",
            _bind(_put_doc, client, f"database/roles/{r.role}", vdb.dynamic_role(r)),
        ),
        ("database-static-role", static, _bind(_const, "skipped", why_static)),
        ("database-check", f"database/creds/{r.role}", _bind(_issue_and_revoke, client, r.role)),
    ]


def _const(status: ConfigStatus, reason: str) -> tuple[ConfigStatus, str]:
    return status, reason


def _enable_engine(client: Any, engine: str) -> tuple[ConfigStatus, str]:
    mounts = client.sys.list_mounted_secrets_engines()
    if f"{engine}/" in mounts.get("data", mounts):
        return "present", ""
    client.sys.enable_secrets_engine(engine, path=engine)
    return "written", f"enabled the {engine} secrets engine"


def _put_connection(client: Any, r: vdb.DbRole, target: FoundDb, value: str) -> tuple[ConfigStatus, str]:
    """The connection, with the credential found in the repository as its root credential.
    An existing one is left as is: its root password may have been rotated since."""
    path = f"database/config/{r.role}"
    current = client.read(path)
    if current is not None:
        details = (current.get("data") or {}).get("connection_details") or {}
        if details.get("connection_url") == target.vault_url() and details.get("username") == target.username:
            return "present", ""
        return "conflict", "a different connection of that name exists: left as is"
    doc = {**vdb.connection(r), "connection_url": target.vault_url(), "username": target.username, "password": value}
    client.write_data(path, data=doc)
    return "written", f"root credential: the scanned {target.username}@{target.host}:{target.port}/{target.database}"


def _issue_and_revoke(client: Any, role: str) -> tuple[ConfigStatus, str]:
    """Ask for one credential (proving the role works against the database) and revoke it."""
    res = client.read(f"database/creds/{role}")
    lease = (res or {}).get("lease_id")
    if lease:
        client.sys.revoke_lease(lease_id=lease)
    return "verified", "issued one credential and revoked it"
