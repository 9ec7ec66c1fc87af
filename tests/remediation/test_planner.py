"""The planner: names, places and rotation decided from the inventory document, exactly."""

from __future__ import annotations

import pytest
from plan_fixtures import ALLOWED, GITHUB, OLD_TOKEN, PG_URL, SHARED, STRIPE, fp, inventory, item, loc

from secretscan.remediation.model import Backend, PlanOptions, RotationMode
from secretscan.remediation.naming import backend_path, env_var, key_name, rule_name
from secretscan.remediation.planner import excluded, plan_secrets


@pytest.mark.parametrize(
    ("storage", "locator", "expected"),
    [
        (
            "kubernetes-env-literal",
            "Deployment/prod/api container=migrate env=DB_PASSWORD",
            ("DB_PASSWORD", "api", "prod", "DB_PASSWORD"),
        ),
        ("kubernetes-secret", "Secret/prod/db key=github-token", ("github-token", "db", "prod", "GITHUB_TOKEN")),
        (
            "kubernetes-secret",
            "Secret/default/regcred key=.dockerconfigjson registry=ghcr.io user=octo",
            ("dockerconfigjson", "regcred", "default", "DOCKERCONFIGJSON"),
        ),
        (
            "configmap",
            "ConfigMap/prod/app-config key=application.yml spring.datasource.password",
            ("spring.datasource.password", "app-config", "prod", "SPRING_DATASOURCE_PASSWORD"),
        ),
        ("kubernetes-manifest", "Deployment/prod/api container=api args[1]", (None, "api", "prod", None)),
        (
            "kubernetes-env-literal",
            'Deployment/default/{{ include "web.fullname" . }} container={{ .Chart.Name }} env=SESSION_SECRET',
            ("SESSION_SECRET", None, "default", "SESSION_SECRET"),
        ),
        (
            "kustomize",
            "secretGenerator/shop/db-credentials key=password",
            ("password", "db-credentials", "shop", "PASSWORD"),
        ),
        ("compose-env", "service=api environment.DATABASE_URL", ("DATABASE_URL", "api", None, "DATABASE_URL")),
        ("dockerfile-arg", "stage=build ARG NPM_TOKEN", ("NPM_TOKEN", None, None, "NPM_TOKEN")),
        ("dockerfile-run", "stage=build RUN (_authToken=)", ("_authToken", None, None, "AUTH_TOKEN")),
        ("dockerfile-run", "stage=build RUN (curl -u)", (None, None, None, None)),
        (
            "spring-config",
            "server.ssl.key-store-password [profile=dev]",
            ("server.ssl.key-store-password", None, None, "SERVER_SSL_KEYSTOREPASSWORD"),
        ),
        (
            "helm-values",
            "extraEnv[0].value (STRIPE_WEBHOOK_SECRET)",
            ("STRIPE_WEBHOOK_SECRET", None, None, "STRIPE_WEBHOOK_SECRET"),
        ),
        ("terraform", "var.github_token", ("github_token", None, None, "TF_VAR_github_token")),
        ("terraform", "variable.db_password.default", ("db_password", None, None, "TF_VAR_db_password")),
        ("dotenv", "OPENAI_API_KEY", ("OPENAI_API_KEY", None, None, "OPENAI_API_KEY")),
        ("config-file", "[database] password", ("password", None, None, "PASSWORD")),
        ("config-file", "//registry.npmjs.org/:_authToken", ("_authToken", None, None, "AUTH_TOKEN")),
        (
            "source-code",
            'python: configure() os.environ["WORKER_PASSWORD"]',
            ("WORKER_PASSWORD", None, None, "WORKER_PASSWORD"),
        ),
        ("source-code", "python: Client.connect() psycopg2.connect(password=)", ("password", None, None, "PASSWORD")),
        (
            "source-code",
            "php: PaymentGateway.$apiSecret",
            ("PaymentGateway.apiSecret", None, None, "PAYMENT_GATEWAY_API_SECRET"),
        ),
    ],
)
def test_key_names_from_locators(storage: str, locator: str, expected: tuple) -> None:  # type: ignore[type-arg]
    named = key_name({"path": "x/y.yaml", "storage": storage, "locator": locator})
    var = env_var(named.name, named.style) if named.name else None
    assert (named.name, named.service, named.namespace, var) == expected


def test_a_key_file_is_named_by_its_file_and_others_by_their_rule() -> None:
    assert key_name({"path": "deploy/id_deploy", "storage": "plain-file"}).name == "id_deploy"
    assert key_name({"path": "scripts/upload.sh", "storage": "plain-file"}).name is None
    assert rule_name("secretscan.aws.access-key-id") == "aws-access-key-id"


@pytest.mark.parametrize(
    ("backend", "path"),
    [
        (Backend.VAULT, "secret/data/prod/billing/db-password"),
        (Backend.AWS, "prod/billing/db-password"),
        (Backend.AZURE, "prod-billing-db-password"),
        (Backend.GCP, "prod-billing-db-password"),
    ],
)
def test_backend_paths(backend: Backend, path: str) -> None:
    assert backend_path(backend, "prod", "billing", "db-password") == path


def test_azure_names_keep_only_letters_digits_and_single_hyphens() -> None:
    assert (
        backend_path(Backend.AZURE, "prod", "api", "spring.datasource_password")
        == "prod-api-spring-datasource-password"
    )


def test_the_plan_for_two_services() -> None:
    doc = inventory(GITHUB, STRIPE, PG_URL, SHARED, OLD_TOKEN, ALLOWED)
    got = [
        (
            s.fingerprint,
            s.service,
            s.name,
            s.env_var,
            s.backend_path,
            s.rotation,
            s.rotation_days,
            s.engine,
            s.dynamic_path,
            s.namespace,
            s.consumers,
            s.exposure,
        )
        for s in plan_secrets(doc, PlanOptions())
    ]
    auto = RotationMode.AUTOMATIC
    assert got == [
        (
            fp("api-github"),
            "api",
            "github-token",
            "GITHUB_TOKEN",
            "secret/data/prod/api/github-token",
            auto,
            90,
            None,
            None,
            "prod",
            ("api",),
            "in_tip",
        ),
        (
            fp("billing-stripe"),
            "billing",
            "stripe-key",
            "STRIPE_KEY",
            "secret/data/prod/billing/stripe-key",
            auto,
            180,
            None,
            None,
            "payments",
            ("billing",),
            "in_tip",
        ),
        (
            fp("billing-db"),
            "billing",
            "database-url",
            "DATABASE_URL",
            "secret/data/prod/billing/database-url",
            RotationMode.DYNAMIC,
            30,
            "postgresql",
            "database/creds/prod-billing-database-url",
            "payments",
            ("billing",),
            "in_tip",
        ),
        (
            fp("shared-smtp"),
            "api",
            "smtp-password",
            "SMTP_PASSWORD",
            "secret/data/prod/api/smtp-password",
            auto,
            90,
            None,
            None,
            "prod",
            ("api", "billing"),
            "in_tip",
        ),
        (
            fp("old-token"),
            "scripts",
            "github-pat",
            "GITHUB_PAT",
            "secret/data/prod/scripts/github-pat",
            auto,
            90,
            None,
            None,
            None,
            ("scripts",),
            "history_only",
        ),
    ]
    assert excluded(doc) == (fp("allowed"),)
    shared = plan_secrets(doc, PlanOptions())[3]
    assert shared.notes == ("shared with billing: issue each service its own credential, then retire this one",)


def test_names_colliding_in_a_service_get_a_fingerprint_suffix() -> None:
    a = item(
        "a",
        "secretscan.generic.password-assignment",
        "passwords",
        loc("deploy/api.yaml", 3, "kubernetes-env-literal", "Deployment/prod/api container=migrate env=DB_PASSWORD"),
    )
    b = item(
        "b",
        "secretscan.generic.password-assignment",
        "passwords",
        loc("deploy/api.yaml", 9, "kubernetes-env-literal", "Deployment/prod/api container=api env=DB_PASSWORD"),
    )
    first, second = plan_secrets(inventory(a, b), PlanOptions())
    assert (first.name, second.name) == ("db-password", f"db-password-{fp('b')[:8]}")
    assert second.backend_path == f"secret/data/prod/api/db-password-{fp('b')[:8]}"
    assert first.env_var == second.env_var == "DB_PASSWORD"


def test_secrets_at_the_root_belong_to_the_default_service() -> None:
    root = item("r", "secretscan.openai.api-key", "api_keys", loc(".env", 2, "dotenv", "OPENAI_API_KEY"))
    (s,) = plan_secrets(inventory(root), PlanOptions(default_service="shop"))
    assert (s.service, s.backend_path) == ("shop", "secret/data/prod/shop/openai-api-key")


@pytest.mark.parametrize(
    ("rotation", "backend", "expected"),
    [
        (None, Backend.VAULT, ["dynamic", "automatic", "dynamic", "automatic"]),
        (RotationMode.MANUAL, Backend.VAULT, ["manual"] * 4),
        (RotationMode.AUTOMATIC, Backend.VAULT, ["automatic"] * 4),
        (RotationMode.DYNAMIC, Backend.VAULT, ["dynamic", "automatic", "dynamic", "automatic"]),
        (None, Backend.GCP, ["automatic"] * 4),
    ],
)
def test_rotation_per_type_with_fallbacks(rotation: RotationMode | None, backend: Backend, expected: list[str]) -> None:
    aws = item(
        "aws", "secretscan.aws.access-key-id", "cloud_iam", loc("ops/upload.sh", 4), provider="AWS", rotation_days=1
    )
    mongo = item(
        "mongo", "secretscan.uri.mongodb-password", "database_credentials", loc("deploy/app.yaml", 5), rotation_days=30
    )
    secrets = plan_secrets(inventory(PG_URL, STRIPE, aws, mongo), PlanOptions(backend=backend, rotation=rotation))
    assert [s.rotation.value for s in secrets] == expected


def test_the_fallback_notes_say_why() -> None:
    aws = item(
        "aws", "secretscan.aws.access-key-id", "cloud_iam", loc("ops/upload.sh", 4), provider="AWS", rotation_days=1
    )
    mongo = item(
        "mongo", "secretscan.uri.mongodb-password", "database_credentials", loc("deploy/app.yaml", 5), rotation_days=30
    )
    pg, stripe, cloud, mg = plan_secrets(
        inventory(PG_URL, STRIPE, aws, mongo), PlanOptions(rotation=RotationMode.DYNAMIC)
    )
    assert pg.notes == ()
    assert stripe.notes == (
        "dynamic rotation asked for, but no secrets engine issues api_keys: rotated on a schedule instead",
    )
    assert (cloud.engine, cloud.dynamic_path) == ("aws", "aws/creds/prod-ops-aws")
    assert cloud.notes == (
        "dynamic aws credentials come from Vault's aws secrets engine (HashiCorp Vault; OpenBao has none): "
        "if the workload runs on AWS, prefer workload identity, which needs no key at all",
    )
    assert (mg.engine, mg.notes) == (
        None,
        ("no Vault secrets engine this plan configures issues mongodb credentials: rotated on a schedule instead",),
    )


def test_pci_dss_caps_password_intervals() -> None:
    long = item(
        "p", "secretscan.generic.password-assignment", "passwords", loc("deploy/app.yaml", 5), rotation_days=365
    )
    (s,) = plan_secrets(inventory(long), PlanOptions(compliance=("PCI-DSS",)))
    assert (s.rotation_days, s.notes) == (90, ("PCI-DSS 8.3.9/8.6.3: rotation interval capped at 90 days (was 365)",))
