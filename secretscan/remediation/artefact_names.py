"""Names the artefact generators (eso, k8s_patch, sops, dockerfile, spring, cicd, cloud) share:
Kubernetes object and key names, environment variable names, and where a planned secret lives
in each backend (Vault KV v2 mount and key, AWS Secrets Manager name, Azure Key Vault secret
name, GCP Secret Manager id), with the command that prints its value from there at run time. Pure functions of a PlannedSecret and the plan options.

Placeholders a team replaces (account, region, vault address...) are gathered in ``Site``: the
plan never guesses them silently, each artefact that uses one says so in its header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secretscan.remediation.model import Backend, PlannedSecret, PlanOptions

_NOT_DNS = re.compile(r"[^a-z0-9-]+")
_NOT_KEY = re.compile(r"[^-._a-zA-Z0-9]+")
_NOT_ENV = re.compile(r"[^A-Za-z0-9]+")
_KV_DATA = re.compile(r"^(?P<mount>[^/]+)/data/(?P<key>.+)$")
_PROFILE = re.compile(r"\s*\[profile=[^\]]*\]\s*$")


@dataclass(frozen=True, slots=True)
class Site:
    """Values only the team knows; the artefacts carry these placeholders and say so."""

    vault_addr: str = "https://vault.example.com:8200"
    vault_k8s_auth_mount: str = "kubernetes"
    aws_region: str = "us-east-1"
    aws_account: str = "111122223333"
    azure_subscription: str = "00000000-0000-0000-0000-000000000000"
    azure_resource_group: str = "rg-secrets"
    gcp_project: str = "example-project"
    repository: str = "OWNER/REPOSITORY"
    branch: str = "main"

    def azure_vault(self, options: PlanOptions) -> str:
        """A Key Vault name: 3-24 letters, digits and single hyphens, starting with a letter."""
        return dns_label(f"kv-{options.environment}-apps", 24)

    def aws_secret_arn(self, name: str) -> str:
        """The ARN of a Secrets Manager secret by name: AWS appends ``-`` and 6 random characters,
        which ``??????`` matches exactly (and nothing else)."""
        return f"arn:aws:secretsmanager:{self.aws_region}:{self.aws_account}:secret:{name}-??????"


SITE = Site()


# ---------------------------------------------------------------- Kubernetes names


def dns_label(text: str, limit: int = 63) -> str:
    """An RFC 1123 label: lower-case letters, digits and hyphens, alphanumeric at both ends."""
    name = _NOT_DNS.sub("-", text.lower()).strip("-")
    name = re.sub(r"-{2,}", "-", name)[:limit].strip("-")
    return name or "secret"


def dns_name(text: str, limit: int = 253) -> str:
    """An RFC 1123 subdomain (object names): labels joined by dots."""
    parts = [dns_label(p, 63) for p in text.lower().split(".") if p.strip("-_ ")]
    return ".".join(parts)[:limit].strip(".-") or "secret"


def secret_key(text: str) -> str:
    """A key of a Kubernetes Secret: letters, digits, ``-``, ``_`` and ``.``."""
    return _NOT_KEY.sub("_", text).strip("_") or "value"


def env_name(text: str) -> str:
    """An environment variable name: upper case, words joined by ``_``, not starting with a digit."""
    name = _NOT_ENV.sub("_", text).strip("_").upper() or "SECRET"
    return f"_{name}" if name[0].isdigit() else name


def property_name(locator: str) -> str:
    """A Spring property from its locator (``spring.datasource.password [profile=dev]``)."""
    return _PROFILE.sub("", locator).strip()


def spring_env_name(prop: str) -> str:
    """The environment variable Spring Boot binds to a property (relaxed binding): dots become
    ``_``, dashes go, upper case: ``spring.datasource.password`` -> ``SPRING_DATASOURCE_PASSWORD``."""
    flat = property_name(prop).replace("-", "")
    flat = re.sub(r"\[(\d+)\]", r"_\1_", flat)
    return env_name(flat.replace(".", "_"))


def workload_secret_name(ps: PlannedSecret) -> str:
    """The Kubernetes Secret an ExternalSecret keeps for a value found outside a Secret
    (an env literal, an argument, a ConfigMap key): ``<service>-<name>``."""
    service, name = dns_label(ps.service), dns_label(ps.name)
    joined = name if name == service or name.startswith(service + "-") else f"{service}-{name}"
    return dns_name(joined)


def workload_secret_key(ps: PlannedSecret) -> str:
    return secret_key(ps.backend_key)


def app_env_names(ps: PlannedSecret) -> list[str]:
    """The environment variables an application reads this secret from: Spring Boot's relaxed
    name of each property it was found as (``SPRING_DATASOURCE_PASSWORD``), else the planned one."""
    names = [
        spring_env_name(str(loc.get("locator", "")))
        for loc in ps.locations
        if loc.get("storage") == "spring-config" and loc.get("locator") and loc.get("in_tip") is not False
    ]
    return list(dict.fromkeys(names)) or [env_name(ps.env_var)]


def profile_rank(ps: PlannedSecret, env: str, environment: str) -> int:
    """How well a secret fits the environment the plan is for, as the value of ``env``: a Spring
    property of that environment's profile (0) before the default one (1) before another
    profile's (2): ``spring.datasource.password`` of profile ``dev`` is not production's."""
    best = 3
    for loc in ps.locations:
        locator = str(loc.get("locator", ""))
        if loc.get("storage") != "spring-config" or spring_env_name(locator) != env:
            continue
        m = _PROFILE.search(locator)
        profile = m.group(0).strip()[len("[profile="):-1] if m else ""
        best = min(best, 0 if profile == environment else 1 if not profile else 2)
    return best


def k8s_namespace(ps: PlannedSecret, options: PlanOptions) -> str:
    """The namespace a secret found outside Kubernetes objects is delivered to: the one the
    planner found for it, else one named after the environment."""
    return dns_label(ps.namespace or options.environment)


def vault_k8s_role(service: str, options: PlanOptions) -> str:
    """The Vault Kubernetes-auth role a service's SecretStore logs in with: the one the Vault
    generator writes (``<env>-<service>``, bound to the service account named after the service)."""
    return f"{options.environment}-{service}"


def service_account(service: str) -> str:
    """The service account a service runs as (and its store authenticates with)."""
    return dns_label(service)


def gcp_service_account(service: str) -> str:
    """A GCP service account id: 6-30 lower-case letters, digits and hyphens."""
    return dns_label(f"{service}-sa", 30) if len(dns_label(service, 27)) < 27 else dns_label(service, 30)


def uses_vault_engine(ps: PlannedSecret, options: PlanOptions) -> bool:
    """A dynamic credential issued by a Vault engine (read at ``dynamic_path``), not a KV value."""
    return options.backend is Backend.VAULT and ps.dynamic and bool(ps.dynamic_path)


def app_env_secret_name(service: str) -> str:
    """The Secret holding one service's application environment (values found in config
    files, Dockerfiles, ...), read by its workloads with ``envFrom: secretRef``."""
    return dns_name(f"{dns_label(service)}-env")


# ---------------------------------------------------------------- backend names


def kv_mount_and_key(ps: PlannedSecret) -> tuple[str, str]:
    """A Vault KV v2 path split into mount and key: ``secret/data/prod/billing/db`` ->
    (``secret``, ``prod/billing/db``). A path without ``/data/`` is read as ``mount/key``."""
    path = ps.backend_path.strip("/")
    m = _KV_DATA.match(path)
    if m:
        return m.group("mount"), m.group("key")
    mount, _, key = path.partition("/")
    return (mount, key) if key else ("secret", mount)


def logical_path(ps: PlannedSecret) -> str:
    """The secret's path without its Vault mount: ``prod/billing/db-password``."""
    return kv_mount_and_key(ps)[1]


def aws_secret_name(ps: PlannedSecret) -> str:
    return re.sub(r"[^A-Za-z0-9/_+=.@-]+", "-", logical_path(ps))[:512]


def azure_secret_name(ps: PlannedSecret) -> str:
    """Key Vault secret names: letters, digits and hyphens, at most 127."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^0-9A-Za-z-]+", "-", logical_path(ps))).strip("-")[:127]


def gcp_secret_id(ps: PlannedSecret) -> str:
    """Secret Manager ids: letters, digits, ``-`` and ``_``, at most 255."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", logical_path(ps)).strip("-")[:255]


def remote_name(ps: PlannedSecret, backend: Backend) -> str:
    """The name the backend knows the secret by (ESO ``remoteRef.key``)."""
    if backend is Backend.AWS:
        return aws_secret_name(ps)
    if backend is Backend.AZURE:
        return azure_secret_name(ps)
    if backend is Backend.GCP:
        return gcp_secret_id(ps)
    return logical_path(ps)


def remote_ref(ps: PlannedSecret, backend: Backend) -> dict[str, str]:
    """ESO ``remoteRef``: Vault KV holds a map (``property`` picks the key); the cloud
    backends hold one value per secret."""
    ref = {"key": remote_name(ps, backend)}
    if backend is Backend.VAULT:
        ref["property"] = ps.backend_key
    return ref


def fetch_command(ps: PlannedSecret, options: PlanOptions, site: Site = SITE) -> str:
    """A command printing the secret's value from the backend (for ``VAR="$(...)"``)."""
    backend = options.backend
    if backend is Backend.AWS:
        return (
            f"aws secretsmanager get-secret-value --region {site.aws_region} "
            f"--secret-id {aws_secret_name(ps)} --query SecretString --output text"
        )
    if backend is Backend.AZURE:
        return (
            f"az keyvault secret show --vault-name {site.azure_vault(options)} "
            f"--name {azure_secret_name(ps)} --query value --output tsv"
        )
    if backend is Backend.GCP:
        return f"gcloud secrets versions access latest --project {site.gcp_project} --secret {gcp_secret_id(ps)}"
    mount, key = kv_mount_and_key(ps)
    return f"vault kv get -mount={mount} -field={ps.backend_key} {key}"
