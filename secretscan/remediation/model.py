"""Records of a remediation plan, shared by the planner and every artefact generator.

The planner reads an inventory document (the versioned JSON of ``report.inventory_json``,
freshly built or loaded from a file), decides for each item where its value will live and how
it will rotate (a PlannedSecret), and asks each registered generator for the files that carry
the migration out (Artefacts). No record here holds a secret value: only names, paths, previews
and the locations the inventory gave.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Backend(str, enum.Enum):
    VAULT = "vault"
    AWS = "aws-secrets"
    AZURE = "azure-keyvault"
    GCP = "gcp-secretmanager"


class Target(str, enum.Enum):
    KUBERNETES = "kubernetes"
    CICD = "cicd"
    APPLICATION = "application"


class RotationMode(str, enum.Enum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"  # on a schedule
    DYNAMIC = "dynamic"  # short-lived credentials issued by the backend (Vault database engine, ...)


@dataclass(frozen=True, slots=True)
class PlanOptions:
    backend: Backend = Backend.VAULT
    target: Target = Target.KUBERNETES
    rotation: RotationMode | None = None  # None: per secret type
    platform: str | None = None
    cloud: str | None = None  # aws | gcp | azure
    compliance: tuple[str, ...] = ()
    environment: str = "prod"
    default_service: str = "app"  # added: service slug for secrets in files no service folder claims (the repo's name)


@dataclass(frozen=True, slots=True)
class PlannedSecret:
    """One inventory item with its destination and rotation decided."""

    fingerprint: str
    type: str  # inventory secret type, e.g. database_credentials
    provider: str
    rule_id: str
    preview: str
    service: str  # the service that reads it (a slug)
    name: str  # a slug naming the secret within its service, e.g. "db-password"
    env_var: str  # the environment variable an application reads it from, e.g. DB_PASSWORD
    backend_path: str  # where the value goes: "secret/data/prod/billing/db-password" for Vault KV v2
    backend_key: str  # the key inside that secret, e.g. "value" or "password"
    rotation: RotationMode
    rotation_days: int
    dynamic: bool
    risk_level: str
    storages: tuple[str, ...]
    locations: tuple[Mapping[str, Any], ...]  # the inventory's location dicts (path, line, storage, locator, ...)
    notes: tuple[str, ...] = ()  # e.g. "dynamic rotation asked, not supported for api_keys: scheduled instead"
    # Added by the planner (defaults keep older constructors valid):
    namespace: str | None = None  # Kubernetes namespace of the object that held it (from the locators), if any
    consumers: tuple[str, ...] = ()  # every service slug reading it (more than one: a shared credential to split)
    engine: str | None = None  # dynamic engine when dynamic: postgresql | mysql | aws | gcp | azure | ...
    dynamic_path: str | None = None  # where a dynamic credential is read, e.g. "database/creds/prod-billing"
    exposure: str = "in_tip"  # in_tip | history_only (then there is no consumer to switch: rotate and purge)


@dataclass(frozen=True, slots=True)
class Artefact:
    """A file the plan writes, relative to the plan's output folder."""

    path: str
    content: str
    kind: str  # vault-policy, vault-kv, external-secret, secret-store, workload-patch, runbook, ...
    description: str
    fingerprints: tuple[str, ...] = ()  # the secrets it concerns


@dataclass(frozen=True, slots=True)
class Step:
    order: int
    title: str
    detail: str
    fingerprint: str | None = None
    commands: tuple[str, ...] = ()  # never carrying a secret value: values come from stdin or a file
    artefacts: tuple[str, ...] = ()
    phase: str = ""  # added: prepare | migrate | purge | verify (groups the README)


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What every generator receives."""

    options: PlanOptions
    secrets: tuple[PlannedSecret, ...]
    inventory: Mapping[str, Any] = field(default_factory=dict)  # the whole inventory document


Generator = Callable[[PlanContext], list[Artefact]]
