"""External Secrets Operator manifests, generated from real scans of fixtures/k8s, docker and
spring, checked against the operator's CRD schemas in strict mode."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from artefact_fixtures import DATA, FIXTURES, Scanned, by_path, context, eso_errors, expected_names, leaked, shared_scan

from secretscan.remediation import eso
from secretscan.remediation.model import Artefact, Backend, PlanOptions, Target

DNS = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {name: FIXTURES / name for name in ("k8s", "docker", "spring")})


@pytest.fixture(scope="module")
def k8s_only(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"k8s": FIXTURES / "k8s"})


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"k8s": DATA / "remediation" / "k8s"})


def docs(artefacts: list[Artefact], kind: str) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for art in artefacts:
        doc = yaml.safe_load(art.content)
        if doc["kind"] == kind:
            out[(doc["metadata"].get("namespace", ""), doc["metadata"]["name"])] = doc
    return out


def entries(doc: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    return {e["secretKey"]: (e["remoteRef"]["key"], e["remoteRef"].get("property")) for e in doc["spec"].get("data", [])}


@pytest.mark.parametrize("backend", list(Backend))
def test_every_manifest_is_valid_against_the_strict_crd_schemas(scanned: Scanned, backend: Backend) -> None:
    artefacts = eso.generate(context(scanned, PlanOptions(backend=backend)))
    kinds = {yaml.safe_load(a.content)["kind"] for a in artefacts}
    assert kinds == {"ExternalSecret", "SecretStore", "ClusterSecretStore"}
    for art in artefacts:
        doc = yaml.safe_load(art.content)
        assert eso_errors(doc) == [], art.path
        assert doc["metadata"]["name"] == doc["metadata"]["name"].lower()
        assert re.match(DNS, doc["metadata"]["name"]), art.path


@pytest.mark.parametrize("backend", list(Backend))
def test_no_artefact_holds_a_secret_value(scanned: Scanned, backend: Backend) -> None:
    artefacts = eso.generate(context(scanned, PlanOptions(backend=backend)))
    assert scanned.revealed  # the scan did find the fixture secrets
    assert leaked(artefacts, scanned.revealed) == []


@pytest.mark.parametrize("name", ["k8s_only", "shop"])
def test_one_external_secret_per_committed_secret_and_per_workload_value(name: str, request: pytest.FixtureRequest) -> None:
    scanned: Scanned = request.getfixturevalue(name)
    ctx = context(scanned)
    artefacts = eso.generate(ctx)
    by_path(artefacts)  # no two artefacts share a path
    assert set(docs(artefacts, "ExternalSecret")) == expected_names(ctx)


def test_committed_secrets_keep_their_name_type_and_every_key(k8s_only: Scanned) -> None:
    found = docs(eso.generate(context(k8s_only)), "ExternalSecret")
    summary = {key: (entries(found[key]), found[key]["spec"]["target"].get("template", {}).get("type"))
               for key in [("prod", "db"), ("edge", "web-tls"), ("default", "regcred"), ("json-ns", "api")]}  # fmt: skip
    assert summary == {
        # every key (those nobody flagged stored beside a flagged one), in the Secret's order, type kept
        ("prod", "db"): (
            {
                "username": ("prod/db/username", "value"),
                "password": ("prod/db/password", "value"),
                "github-token": ("prod/db/github-token", "value"),
                "empty": ("prod/db/username", "empty"),
                "api-key": ("prod/db/api-key", "value"),
                "from-env": ("prod/db/username", "from-env"),
            },
            None,
        ),
        ("edge", "web-tls"): (
            {"tls.crt": ("prod/web-tls/tls-key", "tls.crt"), "tls.key": ("prod/web-tls/tls-key", "value")},
            "kubernetes.io/tls",
        ),
        ("default", "regcred"): (
            {
                "registry_ghcr_io": ("prod/regcred/dockerconfigjson-ghcr-io", "value"),
                "registry_registry_example_com": ("prod/regcred/dockerconfigjson-registry-example-com", "value"),
            },
            "kubernetes.io/dockerconfigjson",
        ),
        ("json-ns", "api"): ({"GITHUB_TOKEN": ("prod/api/github-token", "value"), "password": ("prod/api/password", "value")}, None),
    }
    assert list(entries(found[("prod", "db")])) == ["username", "password", "github-token", "empty", "api-key", "from-env"]


def test_a_workload_value_gets_a_secret_of_its_own(shop: Scanned) -> None:
    ctx = context(shop)
    found = docs(eso.generate(ctx), "ExternalSecret")
    ps = next(p for p in ctx.secrets if any(loc.get("locator", "").endswith("env=PAYMENT_API_TOKEN") for loc in p.locations))
    es = found[("shop", "shop-payment-api-token")]
    assert es["spec"]["target"] == {"name": "shop-payment-api-token", "creationPolicy": "Owner", "deletionPolicy": "Retain"}
    assert es["spec"]["data"] == [{"secretKey": "value", "remoteRef": {"key": f"prod/{ps.service}/{ps.name}", "property": "value"}}]
    assert es["spec"]["secretStoreRef"] == {"name": f"vault-{ps.service}", "kind": "SecretStore"}


def test_docker_config_is_rebuilt_by_a_template_from_the_registry_credentials(k8s_only: Scanned) -> None:
    doc = docs(eso.generate(context(k8s_only)), "ExternalSecret")[("default", "regcred")]
    template = doc["spec"]["target"]["template"]
    assert template["engineVersion"] == "v2"
    assert template["data"] == {
        ".dockerconfigjson": '{"auths":{'
        '"ghcr.io":{"username":"octo","password":{{ .registry_ghcr_io | toJson }},'
        '"auth":"{{ printf "%s:%s" "octo" .registry_ghcr_io | b64enc }}"},'
        '"registry.example.com":{"username":"bot","password":{{ .registry_registry_example_com | toJson }},'
        '"auth":"{{ printf "%s:%s" "bot" .registry_registry_example_com | b64enc }}"}}}'
    }


def test_stores_are_per_namespace_and_service_with_that_service_identity(k8s_only: Scanned) -> None:
    stores = docs(eso.generate(context(k8s_only)), "SecretStore")
    assert set(stores) == {
        ("default", "vault-probe"), ("default", "vault-regcred"), ("edge", "vault-web-tls"), ("json-ns", "vault-api"),
        ("ops", "vault-backup"), ("prod", "vault-api"), ("prod", "vault-app-config"), ("prod", "vault-db"),
        ("prod", "vault-k8s"),
    }  # fmt: skip
    assert stores[("prod", "vault-api")]["spec"]["provider"] == {
        "vault": {
            "server": "https://vault.example.com:8200",
            "path": "secret",
            "version": "v2",
            "auth": {"kubernetes": {"mountPath": "kubernetes", "role": "prod-api", "serviceAccountRef": {"name": "api"}}},
        }
    }
    db = docs(eso.generate(context(k8s_only)), "ExternalSecret")[("prod", "db")]
    assert db["spec"]["secretStoreRef"] == {"name": "vault-db", "kind": "SecretStore"}
    assert db["spec"]["refreshInterval"] == "1h"


@pytest.mark.parametrize(
    ("backend", "provider", "remote"),
    [
        (Backend.AWS, {"aws": {"service": "SecretsManager", "region": "us-east-1", "auth": {"jwt": {"serviceAccountRef": {"name": "db"}}}}}, {"key": "prod/db/password"}),
        (Backend.AZURE, {"azurekv": {"authType": "WorkloadIdentity", "vaultUrl": "https://kv-prod-apps.vault.azure.net", "serviceAccountRef": {"name": "db"}}}, {"key": "prod-db-password"}),
        (Backend.GCP, {"gcpsm": {"projectID": "example-project", "auth": {"workloadIdentity": {"serviceAccountRef": {"name": "db"}}}}}, {"key": "prod-db-password"}),
    ],
)
def test_cloud_backends_get_their_provider_and_one_value_per_secret(
    k8s_only: Scanned, backend: Backend, provider: dict[str, Any], remote: dict[str, str]
) -> None:
    artefacts = eso.generate(context(k8s_only, PlanOptions(backend=backend)))
    prefix = {Backend.AWS: "aws", Backend.AZURE: "azure", Backend.GCP: "gcp"}[backend]
    assert docs(artefacts, "SecretStore")[("prod", f"{prefix}-db")]["spec"]["provider"] == provider
    data = docs(artefacts, "ExternalSecret")[("prod", "db")]["spec"]["data"]
    assert next(e["remoteRef"] for e in data if e["secretKey"] == "password") == remote


def test_a_dynamic_credential_comes_from_a_vault_generator(k8s_only: Scanned) -> None:
    ctx = context(k8s_only)
    secrets = tuple(
        replace(ps, dynamic=True, dynamic_path="database/creds/prod-api-database-url", engine="postgresql")
        if ps.name == "database-url" and ps.service == "api" else ps
        for ps in ctx.secrets
    )
    artefacts = eso.generate(replace(ctx, secrets=secrets))
    es = docs(artefacts, "ExternalSecret")[("prod", "api-database-url")]
    assert eso_errors(es) == []
    assert es["spec"]["dataFrom"] == [
        {"sourceRef": {"generatorRef": {"apiVersion": "generators.external-secrets.io/v1alpha1", "kind": "VaultDynamicSecret", "name": "api-database-url-creds"}}}
    ]
    assert es["spec"]["target"]["template"]["data"] == {"value": "{{ .password }}"}
    assert es["spec"]["refreshInterval"] == "15m"
    gen = docs(artefacts, "VaultDynamicSecret")[("prod", "api-database-url-creds")]
    assert gen["spec"]["path"] == "/database/creds/prod-api-database-url"
    assert gen["spec"]["provider"]["auth"]["kubernetes"]["role"] == "prod-api"


def test_without_the_scanned_files_the_secret_type_and_unflagged_keys_are_said_unknown(k8s_only: Scanned) -> None:
    artefacts = eso.generate(context(k8s_only, with_root=False))
    found = docs(artefacts, "ExternalSecret")
    assert set(entries(found[("edge", "web-tls")])) == {"tls.key"}
    assert "tls.crt" not in entries(found[("edge", "web-tls")])
    web_tls = by_path(artefacts)["kubernetes/external-secrets/edge/web-tls.yaml"]
    assert "k8s/secrets.yaml could not be read" in web_tls.content
    assert found[("default", "regcred")]["spec"]["target"]["template"]["type"] == "kubernetes.io/dockerconfigjson"


def test_application_values_get_an_env_secret_only_for_the_kubernetes_target(scanned: Scanned) -> None:
    kube = docs(eso.generate(context(scanned)), "ExternalSecret")
    spring = entries(kube[("prod", "spring-env")])
    assert {"SPRING_DATASOURCE_PASSWORD", "APP_GITHUB_TOKEN", "APP_PAYMENTS_APIKEY", "ENCRYPT_KEY"} <= set(spring)
    app = docs(eso.generate(context(scanned, PlanOptions(target=Target.APPLICATION))), "ExternalSecret")
    assert ("prod", "spring-env") not in app and ("prod", "docker-env") not in app
    assert ("prod", "db") in app  # Kubernetes objects are migrated whatever the target


def test_output_is_stable(k8s_only: Scanned, tmp_path: Path) -> None:
    first = eso.generate(context(k8s_only))
    assert [(a.path, a.content) for a in first] == [(a.path, a.content) for a in eso.generate(context(k8s_only))]
