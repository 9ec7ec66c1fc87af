"""Inventory document + options -> PlannedSecrets: where each value goes and how it rotates.

The input is the versioned inventory JSON (``report.inventory_json.document``), freshly built or
loaded from a file, so a plan can be made from a saved inventory without scanning again. Items an
inline allow comment covers are not planned (they were judged not to be secrets); baselined items
are: a baseline tolerates a secret in the gate, it does not make it safe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from secretscan.remediation.model import Backend, PlannedSecret, PlanOptions, RotationMode
from secretscan.remediation.naming import (
    KeyName,
    backend_key,
    backend_path,
    env_var,
    key_name,
    location_service,
    rule_name,
    slug,
)

DYNAMIC_TYPES = frozenset({"database_credentials", "cloud_iam"})
# Database flavours recognised from what the locations and the rule say (never from the value).
_DB_FLAVOURS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("postgresql", ("postgres", "psql", "pgpass", "psycopg", "pgbouncer", "jdbc:postgresql", "npgsql")),
    ("mysql", ("mysql", "mariadb")),
    ("mongodb", ("mongo",)),
    ("redis", ("redis", "valkey")),
    ("mssql", ("mssql", "sqlserver", "sql-server")),
    ("oracle", ("oracle",)),
    ("cassandra", ("cassandra",)),
)
# Flavours this plan writes database-engine connections and roles for; "database" is a
# credential whose flavour was not recognised: both variants are written, one is applied.
STATEMENT_FLAVOURS = frozenset({"postgresql", "mysql", "database"})
_CLOUDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("aws", ("aws", "amazon")),
    ("gcp", ("google cloud", "gcp", "google.service-account", "gcp.")),
    ("azure", ("microsoft azure", "azure.")),
)
# PCI DSS v4.0 8.3.9 / 8.6.3: passwords of user and system accounts change at least every 90 days
# unless a targeted risk analysis says otherwise.
_PCI_CAPPED = frozenset({"passwords", "database_credentials", "service_tokens", "generic"})
PCI_MAX_DAYS = 90


def plan_secrets(doc: Mapping[str, Any], options: PlanOptions) -> tuple[PlannedSecret, ...]:
    """One PlannedSecret per inventory item that is not inline-allowed, in the inventory's order
    (highest risk first); names are unique within each service."""
    items = [i for i in doc.get("items", ()) if i.get("status") != "allowed"]
    return unique_names([planned(i, options) for i in items], options)


def excluded(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """Fingerprints of the items the plan leaves out (inline-allowed)."""
    return tuple(i["fingerprint"] for i in doc.get("items", ()) if i.get("status") == "allowed")


def planned(item: Mapping[str, Any], options: PlanOptions) -> PlannedSecret:
    locations = tuple(item.get("locations", ()))
    live = [loc for loc in locations if loc.get("in_tip") is not False] or list(locations)
    primary = live[0] if live else {}
    named = key_name(primary)
    name_src = named.name or _first_name(live) or rule_name(str(item["rule_id"]))
    service = location_service(primary, named, options.default_service)
    consumers = tuple(sorted({location_service(loc, key_name(loc), options.default_service) for loc in live}))
    kind = str(item["type"])
    engine = dynamic_engine(item) if kind in DYNAMIC_TYPES else None
    mode, notes = rotation_for(kind, engine, options)
    days, day_notes = rotation_interval(kind, int(item.get("rotation_days") or 90), options)
    name = slug(name_src) or "secret"
    secret = PlannedSecret(
        fingerprint=str(item["fingerprint"]),
        type=kind,
        provider=str(item.get("provider", "")),
        rule_id=str(item["rule_id"]),
        preview=str(item.get("preview", "")),
        service=service,
        name=name,
        env_var=env_var(name_src, named.style if named.name else "env"),
        backend_path=backend_path(options.backend, options.environment, service, name),
        backend_key=backend_key(options.backend),
        rotation=mode,
        rotation_days=days,
        dynamic=mode is RotationMode.DYNAMIC,
        risk_level=str(item.get("risk", {}).get("level", "medium")),
        storages=tuple(item.get("storages", ())),
        locations=locations,
        notes=(*notes, *day_notes, *shared_notes(consumers, service)),
        namespace=_namespace(live, named),
        consumers=consumers,
        engine=engine if mode is RotationMode.DYNAMIC else None,
        exposure=str(item.get("exposure", {}).get("state", "in_tip")),
    )
    return with_paths(secret, options)


def _first_name(locations: Iterable[Mapping[str, Any]]) -> str | None:
    for loc in locations:
        found = key_name(loc).name
        if found:
            return found
    return None


def _namespace(locations: Sequence[Mapping[str, Any]], named: KeyName) -> str | None:
    if named.namespace:
        return named.namespace
    for loc in locations:
        ns = key_name(loc).namespace
        if ns:
            return ns
    return None


def with_paths(secret: PlannedSecret, options: PlanOptions) -> PlannedSecret:
    """Set the backend path (and the dynamic path, when dynamic) from service and name."""
    env = options.environment
    dynamic_path = None
    if secret.dynamic and secret.engine is not None:
        role = engine_role(secret, options)
        dynamic_path = {
            "aws": f"aws/creds/{role}",
            "gcp": f"gcp/roleset/{role}/key",
            "azure": f"azure/creds/{role}",
        }.get(secret.engine, f"database/creds/{role}")
    return replace(
        secret,
        backend_path=backend_path(options.backend, env, secret.service, secret.name),
        dynamic_path=dynamic_path,
    )


def engine_role(secret: PlannedSecret, options: PlanOptions) -> str:
    """The engine role issuing a dynamic credential: one per database credential; one per
    service and cloud (an access key id and its secret key are one credential)."""
    if secret.engine in ("aws", "gcp", "azure"):
        return f"{options.environment}-{secret.service}-{secret.engine}"
    return f"{options.environment}-{secret.service}-{secret.name}"


def unique_names(secrets: Sequence[PlannedSecret], options: PlanOptions) -> tuple[PlannedSecret, ...]:
    """Two secrets of one service named alike: every one after the first gets a short
    fingerprint suffix (stable: fingerprints do not change between runs)."""
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for s in secrets:
        seen[(s.service, s.name)] += 1
        if seen[(s.service, s.name)] > 1:
            s = with_paths(replace(s, name=f"{s.name}-{s.fingerprint[:8]}"), options)
        out.append(s)
    return tuple(out)


def dynamic_engine(item: Mapping[str, Any]) -> str | None:
    """The engine that could issue this credential dynamically, from the rule, the provider and
    the key names of its locations."""
    hint = " ".join(
        [str(item.get("rule_id", "")), str(item.get("provider", ""))]
        + [
            f"{loc.get('path', '')} {loc.get('locator', '')} {loc.get('key_path', '')}"
            for loc in item.get("locations", ())
        ]
    ).lower()
    if item.get("type") == "cloud_iam":
        return next((cloud for cloud, marks in _CLOUDS if any(m in hint for m in marks)), None)
    return next((flavour for flavour, marks in _DB_FLAVOURS if any(m in hint for m in marks)), "database")


def supports_dynamic(backend: Backend, engine: str | None) -> bool:
    """Vault issues database credentials (the flavours this plan writes roles for) and cloud
    credentials (its aws, gcp and azure engines); the cloud secret managers issue none."""
    if backend is not Backend.VAULT or engine is None:
        return False
    return engine in STATEMENT_FLAVOURS or engine in ("aws", "gcp", "azure")


def rotation_for(kind: str, engine: str | None, options: PlanOptions) -> tuple[RotationMode, tuple[str, ...]]:
    """The rotation mode for a secret type, with a note whenever what was asked for (or the
    type's default) cannot be had."""
    asked = options.rotation
    if asked is RotationMode.MANUAL:
        return RotationMode.MANUAL, ()
    if asked is RotationMode.AUTOMATIC:
        return RotationMode.AUTOMATIC, ()
    if kind not in DYNAMIC_TYPES:
        if asked is RotationMode.DYNAMIC:
            return RotationMode.AUTOMATIC, (
                f"dynamic rotation asked for, but no secrets engine issues {kind}: rotated on a schedule instead",
            )
        return RotationMode.AUTOMATIC, ()
    if supports_dynamic(options.backend, engine):
        return RotationMode.DYNAMIC, _dynamic_notes(kind, engine)
    return RotationMode.AUTOMATIC, (_no_engine_note(kind, engine, options.backend),)


def _dynamic_notes(kind: str, engine: str | None) -> tuple[str, ...]:
    if engine == "database":
        return (
            "database flavour not recognised from the finding: PostgreSQL and MySQL variants of the role are written; apply the one that matches",
        )
    if kind == "cloud_iam":
        return (
            f"dynamic {engine} credentials come from Vault's {engine} secrets engine (HashiCorp Vault; OpenBao has none): "
            f"if the workload runs on {engine.upper() if engine else 'the cloud'}, prefer workload identity, which needs no key at all",
        )
    return ()


def _no_engine_note(kind: str, engine: str | None, backend: Backend) -> str:
    if backend is not Backend.VAULT:
        return f"{backend.value} does not issue dynamic credentials: {kind} rotated on a schedule (the backend's rotation) instead"
    what = f"{engine} credentials" if engine else f"this {kind} provider"
    return f"no Vault secrets engine this plan configures issues {what}: rotated on a schedule instead"


def rotation_interval(kind: str, days: int, options: PlanOptions) -> tuple[int, tuple[str, ...]]:
    if "PCI-DSS" in options.compliance and kind in _PCI_CAPPED and days > PCI_MAX_DAYS:
        return PCI_MAX_DAYS, (f"PCI-DSS 8.3.9/8.6.3: rotation interval capped at {PCI_MAX_DAYS} days (was {days})",)
    return days, ()


def shared_notes(consumers: Sequence[str], service: str) -> tuple[str, ...]:
    others = [c for c in consumers if c != service]
    if not others:
        return ()
    return (f"shared with {', '.join(others)}: issue each service its own credential, then retire this one",)
