"""External Secrets Operator manifests: the stores that reach the chosen backend, and one
ExternalSecret (API ``external-secrets.io/v1``) per committed Secret and per value found in a
workload (env literal, argument, ConfigMap key), so that the cluster reads each value from the
backend instead of from git.

* A committed ``Secret`` is replaced by an ExternalSecret of the same name and namespace, with
  one ``data`` entry per key: consumers keep working unchanged. Its type is kept (a
  ``kubernetes.io/tls`` Secret stays one); a docker config is rebuilt by a template from the
  registry credentials; keys nobody flagged (``tls.crt``) are listed to be loaded too, since the
  ExternalSecret replaces the whole Secret.
* A value found in a workload, argument or ConfigMap goes to a Secret ``<service>-<name>``
  (key: the backend key), which ``k8s_patch`` makes the workload read with ``secretKeyRef``.
* With ``--target kubernetes``, values found in application files (Spring, Dockerfiles, .env)
  are delivered as one Secret per service, ``<service>-env``, keyed by environment variable,
  for ``envFrom``.

Stores: one namespaced ``SecretStore`` per namespace and service (least privilege: Vault's
Kubernetes auth role, or the cloud workload identity, of that service only), and a
``ClusterSecretStore`` as the broader alternative. Vault KV v2 entries select the key with
``property``; the cloud backends hold one value per secret.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from secretscan.remediation.artefact_names import (
    SITE,
    Site,
    app_env_names,
    app_env_secret_name,
    dns_label,
    dns_name,
    gcp_service_account,
    k8s_namespace,
    kv_mount_and_key,
    profile_rank,
    remote_name,
    remote_ref,
    secret_key,
    service_account,
    uses_vault_engine,
    vault_k8s_role,
    workload_secret_key,
    workload_secret_name,
)
from secretscan.remediation.artefact_places import (
    K8sPlace,
    SecretKeyPlace,
    find_object,
    k8s_places,
    live_locations,
    load_documents,
    read_source,
)
from secretscan.remediation.artefact_render import yaml_docs
from secretscan.remediation.model import Artefact, Backend, PlanContext, PlannedSecret, PlanOptions, Target

API_VERSION = "external-secrets.io/v1"
GENERATOR_API = "generators.external-secrets.io/v1alpha1"
OUT = "kubernetes/external-secrets"
MANAGED_BY = {"app.kubernetes.io/managed-by": "secretscan-plan"}
_STORE_PREFIX = {Backend.VAULT: "vault", Backend.AWS: "aws", Backend.AZURE: "azure", Backend.GCP: "gcp"}
_DOCKER_TYPES = ("kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg")
_SAFE_USER = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-+")


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``data`` entry: a key of the target Secret and the planned secret it comes from
    (``extra``: a key nobody flagged, stored beside ``ps`` under its own name)."""

    key: str
    ps: PlannedSecret
    extra: bool = False


@dataclass
class Wanted:
    """One ExternalSecret to write."""

    namespace: str
    name: str
    origin: str  # what it replaces, for the header
    entries: dict[str, Entry] = field(default_factory=dict)
    secret_type: str | None = None
    template_data: dict[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    generator: PlannedSecret | None = None  # a dynamic credential: issued by a Vault engine on each refresh
    ranks: dict[str, int] = field(default_factory=dict)

    def add(self, entry: Entry, rank: int = 0) -> None:
        """A key taken keeps its first entry, unless ``rank`` says the new one fits better."""
        if entry.key not in self.entries or rank < self.ranks.get(entry.key, 0):
            self.entries[entry.key] = entry
            self.ranks[entry.key] = rank

    @property
    def secrets(self) -> list[PlannedSecret]:
        return list({e.ps.fingerprint: e.ps for e in self.entries.values()}.values())


def generate(ctx: PlanContext, site: Site = SITE) -> list[Artefact]:
    wanted = external_secrets_wanted(ctx)
    if not wanted:
        return []
    out = [external_secret_artefact(w, ctx.options, site) for w in wanted]
    out += [generator_artefact(w, ctx.options, site) for w in wanted if w.generator is not None]
    stores = sorted({(w.namespace, e.ps.service) for w in wanted for e in w.entries.values()})
    first: dict[str, PlannedSecret] = {}
    for w in wanted:
        for e in w.entries.values():
            first.setdefault(e.ps.service, e.ps)
    out += [store_artefact(ns, service, first[service], ctx.options, site) for ns, service in stores]
    out.append(cluster_store_artefact(sorted({ns for ns, _ in stores}), ctx.options, site, list(first.values())))
    return out


# ---------------------------------------------------------------- what to write


def external_secrets_wanted(ctx: PlanContext) -> list[Wanted]:
    by_name: dict[tuple[str, str], Wanted] = {}
    secrets_found: dict[tuple[str, str], list[tuple[SecretKeyPlace, PlannedSecret]]] = {}
    for ps in ctx.secrets:
        places = k8s_places(ps)
        for place in places:
            if isinstance(place, SecretKeyPlace):
                secrets_found.setdefault((place.obj.namespace, place.obj.name), []).append((place, ps))
            else:
                workload_entry(by_name, place, ps, ctx.options)
        if not places and live_locations(ps) and ctx.options.target is Target.KUBERNETES:
            app_env_entry(by_name, ps, ctx.options)
    for (namespace, name), found in secrets_found.items():
        by_name[(namespace, name)] = replaced_secret(ctx, namespace, name, found)
    return [by_name[k] for k in sorted(by_name)]


def workload_entry(by_name: dict[tuple[str, str], Wanted], place: K8sPlace, ps: PlannedSecret, options: PlanOptions) -> None:
    name = workload_secret_name(ps)
    ns = place.obj.namespace
    generator = ps if uses_vault_engine(ps, options) else None
    wanted = by_name.setdefault((ns, name), Wanted(ns, name, f"values found in {place.obj.ident}", generator=generator))
    if place.obj.ident not in wanted.origin:
        wanted.origin += f", {place.obj.ident}"
    wanted.add(Entry(workload_secret_key(ps), ps))


def app_env_entry(by_name: dict[tuple[str, str], Wanted], ps: PlannedSecret, options: PlanOptions) -> None:
    ns, name = k8s_namespace(ps, options), app_env_secret_name(ps.service)
    origin = f"the environment of service {ps.service} (values found in its config files)"
    generator = ps if uses_vault_engine(ps, options) else None
    if generator is not None:  # issued per refresh: a Secret of its own, read with envFrom too
        name, origin = workload_secret_name(ps), origin + f", dynamic credential {ps.name}"
    wanted = by_name.setdefault((ns, name), Wanted(ns, name, origin, generator=generator))
    for env in app_env_names(ps):
        wanted.add(Entry(env, ps), profile_rank(ps, env, options.environment))


def replaced_secret(
    ctx: PlanContext, namespace: str, name: str, found: list[tuple[SecretKeyPlace, PlannedSecret]]
) -> Wanted:
    """The ExternalSecret that takes over a committed Secret: same name, type and keys."""
    place = found[0][0]
    wanted = Wanted(namespace, name, f"the committed Secret {place.obj.ident} ({place.path})")
    original = committed_secret(ctx, place)
    if original is None:
        wanted.notes.append(f"{place.path} could not be read: keys nobody flagged and the Secret's type are not known")
    else:
        wanted.secret_type = str(original.get("type") or "Opaque")
    registries = [(p, ps) for p, ps in found if p.registry]
    if registries and (wanted.secret_type in _DOCKER_TYPES or place.key in (".dockerconfigjson", ".dockercfg")):
        docker_config(wanted, registries)
    for p, ps in found:
        if not p.registry:
            wanted.add(Entry(secret_key(p.key), ps))
    if original is not None and wanted.entries:
        order = original_keys(original)
        rank = {key: i for i, key in enumerate(order)}
        anchor = min(wanted.entries.values(), key=lambda e: rank.get(e.key, len(order))).ps
        for key in order:
            if key not in wanted.entries and not (wanted.template_data and key in wanted.template_data):
                wanted.add(Entry(secret_key(key), anchor, extra=True))
        ranked = sorted(wanted.entries.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
        wanted.entries = dict(ranked)
    return wanted


def committed_secret(ctx: PlanContext, place: SecretKeyPlace) -> dict[str, Any] | None:
    text = read_source(ctx, place.path)
    documents = load_documents(text) if text is not None else None
    return find_object(documents, place.obj) if documents is not None else None


def original_keys(obj: Mapping[str, Any]) -> list[str]:
    keys: list[str] = []
    for section in ("data", "stringData"):
        entries = obj.get(section)
        if isinstance(entries, dict):
            keys.extend(str(k) for k in entries if str(k) not in keys)
    return keys


def docker_config(wanted: Wanted, registries: list[tuple[SecretKeyPlace, PlannedSecret]]) -> None:
    """A docker config rebuilt from its registry credentials by an ESO template: each stored
    value is a password (or, when only the ``auth`` field was flagged, that field)."""
    chosen: dict[str, tuple[SecretKeyPlace, PlannedSecret]] = {}
    for place, ps in registries:
        registry = str(place.registry)
        current = chosen.get(registry)
        if current is None or current[1].rule_id.endswith("config-auth") and not ps.rule_id.endswith("config-auth"):
            chosen[registry] = (place, ps)
    auths = []
    for registry, (place, ps) in sorted(chosen.items()):
        key = secret_key("registry_" + registry.replace(".", "_").replace(":", "_").replace("-", "_"))
        wanted.add(Entry(key, ps))
        auths.append(registry_auth(registry, place.user, key, ps.rule_id.endswith("config-auth")))
    wanted.secret_type = wanted.secret_type if wanted.secret_type in _DOCKER_TYPES else _DOCKER_TYPES[0]
    body = '{"auths":{' + ",".join(auths) + "}}"
    data_key = ".dockerconfigjson" if wanted.secret_type == _DOCKER_TYPES[0] else ".dockercfg"
    if data_key == ".dockercfg":
        body = "{" + ",".join(auths) + "}"
    wanted.template_data = {data_key: body}


def registry_auth(registry: str, user: str | None, key: str, whole_auth: bool) -> str:
    reg = registry.replace('"', "")
    if whole_auth:
        return f'"{reg}":{{"auth":{{{{ .{key} | toJson }}}}}}'
    fields = [f'"password":{{{{ .{key} | toJson }}}}']
    if user and user != "?" and set(user) <= _SAFE_USER:
        fields.insert(0, f'"username":"{user}"')
        fields.append(f'"auth":"{{{{ printf "%s:%s" "{user}" .{key} | b64enc }}}}"')
    return f'"{reg}":{{' + ",".join(fields) + "}"


# ---------------------------------------------------------------- manifests


def store_name(backend: Backend, service: str) -> str:
    return dns_name(f"{_STORE_PREFIX[backend]}-{dns_label(service)}")


def cluster_store_name(backend: Backend) -> str:
    return f"{_STORE_PREFIX[backend]}-backend"


def refresh_interval(secrets: Iterable[PlannedSecret]) -> str:
    """Short for short-lived credentials, hourly otherwise (a rotated value arrives within it)."""
    return "15m" if any(ps.dynamic for ps in secrets) else "1h"


def generator_name(w: Wanted) -> str:
    return dns_name(f"{w.name}-creds")


def external_secret(w: Wanted, options: PlanOptions) -> dict[str, Any]:
    if w.generator is not None:
        return generated_secret(w, options)
    entries = list(w.entries.values())
    main_service = entries[0].ps.service
    data = []
    for e in entries:
        item: dict[str, Any] = {"secretKey": e.key, "remoteRef": entry_remote(e, options.backend)}
        if e.ps.service != main_service:
            item["sourceRef"] = {"storeRef": {"name": store_name(options.backend, e.ps.service), "kind": "SecretStore"}}
        data.append(item)
    target: dict[str, Any] = {"name": w.name, "creationPolicy": "Owner", "deletionPolicy": "Retain"}
    if w.template_data is not None or (w.secret_type and w.secret_type != "Opaque"):
        template: dict[str, Any] = {"engineVersion": "v2"}
        if w.secret_type:
            template["type"] = w.secret_type
        if w.template_data is not None:
            template["data"] = dict(w.template_data)
        target["template"] = template
    return {
        "apiVersion": API_VERSION,
        "kind": "ExternalSecret",
        "metadata": {"name": w.name, "namespace": w.namespace, "labels": dict(MANAGED_BY)},
        "spec": {
            "refreshInterval": refresh_interval(w.secrets),
            "secretStoreRef": {"name": store_name(options.backend, main_service), "kind": "SecretStore"},
            "target": target,
            "data": data,
        },
    }


def generated_secret(w: Wanted, options: PlanOptions) -> dict[str, Any]:
    """A dynamic credential: each refresh asks the Vault engine for a new one (``username`` and
    ``password``); the template puts the password under the keys consumers read."""
    template = {"engineVersion": "v2", "data": {key: "{{ .password }}" for key in w.entries}}
    return {
        "apiVersion": API_VERSION,
        "kind": "ExternalSecret",
        "metadata": {"name": w.name, "namespace": w.namespace, "labels": dict(MANAGED_BY)},
        "spec": {
            "refreshInterval": refresh_interval(w.secrets),
            "target": {"name": w.name, "creationPolicy": "Owner", "deletionPolicy": "Delete", "template": template},
            "dataFrom": [
                {"sourceRef": {"generatorRef": {"apiVersion": GENERATOR_API, "kind": "VaultDynamicSecret", "name": generator_name(w)}}}
            ],
        },
    }


def generator_artefact(w: Wanted, options: PlanOptions, site: Site) -> Artefact:
    ps = w.generator
    assert ps is not None and ps.dynamic_path
    auth = provider(Backend.VAULT, ps.service, "", options, site)["vault"]["auth"]
    doc = {
        "apiVersion": GENERATOR_API,
        "kind": "VaultDynamicSecret",
        "metadata": {"name": generator_name(w), "namespace": w.namespace, "labels": dict(MANAGED_BY)},
        "spec": {"path": "/" + ps.dynamic_path.strip("/"), "method": "GET", "provider": {"server": site.vault_addr, "auth": auth}},
    }
    header = [
        (
            f"VaultDynamicSecret {w.namespace}/{generator_name(w)}: a new {ps.engine or 'database'} credential from "
            f"{ps.dynamic_path} on each refresh of ExternalSecret {w.name} (lease: the engine role's TTL)."
        ),
    ]
    return Artefact(
        path=f"{OUT}/{w.namespace}/{generator_name(w)}.yaml",
        content=yaml_docs([doc], header),
        kind="secret-generator",
        description=f"VaultDynamicSecret generator for {ps.service}/{ps.name} ({ps.dynamic_path})",
        fingerprints=(ps.fingerprint,),
    )


def entry_remote(e: Entry, backend: Backend) -> dict[str, str]:
    if not e.extra:
        return remote_ref(e.ps, backend)
    if backend is Backend.VAULT:
        return {"key": remote_name(e.ps, backend), "property": e.key}
    return {"key": extra_remote_name(e, backend)}


def remote_text(ref: Mapping[str, str]) -> str:
    return ref["key"] + (f" (property {ref['property']})" if "property" in ref else "")


def extra_remote_name(e: Entry, backend: Backend) -> str:
    base = remote_name(e.ps, backend)
    suffix = dns_label(e.key.replace(".", "-").replace("_", "-"))
    return f"{base}-{suffix}" if backend is not Backend.GCP else f"{base}-{suffix}"[:255]


def external_secret_artefact(w: Wanted, options: PlanOptions, site: Site) -> Artefact:
    source = (
        f"generator {generator_name(w)}" if w.generator is not None
        else f"SecretStore {store_name(options.backend, next(iter(w.entries.values())).ps.service)}"
    )
    header = [
        f"ExternalSecret {w.namespace}/{w.name}: replaces {w.origin}.",
        f"Values come from {options.backend.value} through {source}; no value is written here.",
    ]
    extras = [e for e in w.entries.values() if e.extra]
    if extras:
        header.append("Keys nobody flagged, to load into the backend as well (the ExternalSecret replaces the whole Secret):")
        header += [f"  {e.key} -> {remote_text(entry_remote(e, options.backend))}" for e in extras]
    header += w.notes
    if w.generator is not None:
        header.append(f"Dynamic: a new credential from {w.generator.dynamic_path} per refresh (generator {generator_name(w)}).")
        if any(k in key.upper() for key in w.entries for k in ("URL", "URI", "DSN")):
            header.append("The literal was a connection URL: extend the template to build it around {{ .username }} and {{ .password }}.")
    return Artefact(
        path=f"{OUT}/{w.namespace}/{w.name}.yaml",
        content=yaml_docs([external_secret(w, options)], header),
        kind="external-secret",
        description=f"ExternalSecret {w.namespace}/{w.name} replacing {w.origin}",
        fingerprints=tuple(ps.fingerprint for ps in w.secrets),
    )


def provider(
    backend: Backend, service: str, mount: str, options: PlanOptions, site: Site, account: dict[str, str] | None = None
) -> dict[str, Any]:
    """The store's provider block, authenticated as the service's own identity (``account``: the
    service account to log in as, default the service's own)."""
    account = account or {"name": service_account(service)}
    if backend is Backend.AWS:
        return {"aws": {"service": "SecretsManager", "region": site.aws_region, "auth": {"jwt": {"serviceAccountRef": account}}}}
    if backend is Backend.AZURE:
        vault_url = f"https://{site.azure_vault(options)}.vault.azure.net"
        return {"azurekv": {"authType": "WorkloadIdentity", "vaultUrl": vault_url, "serviceAccountRef": account}}
    if backend is Backend.GCP:
        return {"gcpsm": {"projectID": site.gcp_project, "auth": {"workloadIdentity": {"serviceAccountRef": account}}}}
    auth = {"kubernetes": {"mountPath": site.vault_k8s_auth_mount, "role": vault_k8s_role(service, options), "serviceAccountRef": account}}
    return {"vault": {"server": site.vault_addr, "path": mount, "version": "v2", "auth": auth}}


def store_artefact(namespace: str, service: str, ps: PlannedSecret, options: PlanOptions, site: Site) -> Artefact:
    name = store_name(options.backend, service)
    doc = {
        "apiVersion": API_VERSION,
        "kind": "SecretStore",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED_BY)},
        "spec": {"provider": provider(options.backend, service, kv_mount_and_key(ps)[0], options, site)},
    }
    header = [
        f"SecretStore {namespace}/{name}: {options.backend.value} as service {service} sees it (least privilege).",
        f"It authenticates with the service account {service_account(service)} of namespace {namespace}.",
        *identity_notes(options.backend, service, options, site),
    ]
    return Artefact(
        path=f"{OUT}/{namespace}/secret-store-{dns_label(service)}.yaml",
        content=yaml_docs([doc], header),
        kind="secret-store",
        description=f"SecretStore {namespace}/{name} for service {service} ({options.backend.value})",
    )


def identity_notes(backend: Backend, service: str, options: PlanOptions, site: Site) -> list[str]:
    role = service_account(service)
    if backend is Backend.AWS:
        return [
            (
                f"IRSA: annotate that service account with eks.amazonaws.com/role-arn: "
                f"arn:aws:iam::{site.aws_account}:role/{role}-secrets-reader (policy: cloud/aws/iam-policy-{role}.json)."
            ),
            f"Placeholders: region {site.aws_region}, account {site.aws_account}.",
        ]
    if backend is Backend.AZURE:
        return [
            (
                "Workload identity: annotate it with azure.workload.identity/client-id of the identity that holds "
                "the Key Vault Secrets User assignments of cloud/azure/role-assignments.json."
            )
        ]
    if backend is Backend.GCP:
        return [
            (
                "Workload identity: annotate it with iam.gke.io/gcp-service-account: "
                f"{gcp_service_account(service)}@{site.gcp_project}.iam.gserviceaccount.com (bindings: cloud/gcp/iam-bindings.json)."
            )
        ]
    return [
        (
            f"Vault: role {vault_k8s_role(service, options)} of auth/{site.vault_k8s_auth_mount} binds that service account "
            "to the service's read-only policy (vault/auth/kubernetes/)."
        ),
        f"Placeholder: Vault address {site.vault_addr}.",
    ]


def cluster_store_artefact(namespaces: list[str], options: PlanOptions, site: Site, secrets: list[PlannedSecret]) -> Artefact:
    backend = options.backend
    mount = kv_mount_and_key(secrets[0])[0] if secrets else "secret"
    operator = {"name": "external-secrets", "namespace": "external-secrets"}  # the operator's own account
    prov = provider(backend, "external-secrets", mount, options, site, account=operator)
    doc = {
        "apiVersion": API_VERSION,
        "kind": "ClusterSecretStore",
        "metadata": {"name": cluster_store_name(backend), "labels": dict(MANAGED_BY)},
        "spec": {"conditions": [{"namespaces": namespaces}], "provider": prov},
    }
    header = [
        "ALTERNATIVE to the per-service SecretStores: one store for the namespaces listed, logging in as the",
        "operator's own service account, so it must be allowed to read every service's secrets (broader access).",
        f"To use it, set secretStoreRef to {{kind: ClusterSecretStore, name: {cluster_store_name(backend)}}} in the ExternalSecrets.",
    ]
    return Artefact(
        path=f"{OUT}/cluster-secret-store.yaml",
        content=yaml_docs([doc], header),
        kind="secret-store",
        description=f"ClusterSecretStore {cluster_store_name(backend)} (alternative, broader than the per-service stores)",
    )
