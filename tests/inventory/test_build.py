from __future__ import annotations

from datetime import datetime, timezone

from secretscan.config import Settings
from secretscan.inventory.build import build_inventory, cert_status, is_test_path, service_of
from secretscan.inventory.records import ExposureState, SecretType
from secretscan.model import ScanResult, ScanStats, SecretKind
from helpers import make_rules
from inventory_fixtures import C1, C2, C3, NOW, finding, inventory, loc


def test_history_only_secret_with_removal_first_seen_and_spread() -> None:
    f = finding(
        "secretscan.uri.postgres-password",
        SecretKind.PASSWORD,
        loc("services/orders/config.yml", C1, in_tip=False, removed=C3),
        loc("services/billing/app.env", C2, in_tip=False, removed=C3),
    )
    (item,) = inventory(f).items
    assert item.type is SecretType.DATABASE_CREDENTIALS
    assert item.exposure.state is ExposureState.HISTORY_ONLY
    assert item.exposure.removed_in == C3
    assert item.exposure.label == f"only in history: removed in {'c' * 10} on 2025-09-01"
    assert item.first_seen == C1
    assert (item.commits, item.paths, item.services) == (2, ("services/orders/config.yml", "services/billing/app.env"), ("billing", "orders"))
    assert item.shared and item.dynamic_eligible
    assert item.rotation_days == 30
    assert item.age_days == 872
    assert item.overdue is None  # not in the tip: rotation compliance does not apply


def test_in_tip_overdue_and_config_override() -> None:
    f = finding("secretscan.acme.key", SecretKind.API_KEY, loc("app/settings.py", C2, in_tip=True))
    (item,) = inventory(f).items
    assert (item.exposure.state, item.age_days, item.rotation_days, item.overdue) == (ExposureState.IN_TIP, 456, 180, True)
    (item,) = inventory(f, rotation_days={"api_keys": 500}).items
    assert (item.rotation_days, item.overdue) == (500, False)
    assert item.dynamic_eligible is False


def test_internal_api_keys_rotate_faster_than_external() -> None:
    generic = make_rules({"id": "secretscan.generic.api-key-assignment", "kind": "api_key", "pattern": "(x)"})
    result = ScanResult((finding("secretscan.generic.api-key-assignment", SecretKind.API_KEY, loc("a.py")),), (), ScanStats(), tuple(generic))
    (item,) = build_inventory(result, Settings(), NOW).items
    assert item.rotation_days == 90


def test_working_tree_finding_is_in_tip_with_unknown_age() -> None:
    (item,) = inventory(finding("secretscan.aws.access-key", SecretKind.CLOUD_IAM, loc("deploy/prod/creds.env"))).items
    assert (item.exposure.state, item.first_seen, item.age_days, item.overdue) == (ExposureState.IN_TIP, None, None, None)
    assert item.rotation_days == 1 and item.dynamic_eligible


def test_items_are_ordered_by_risk() -> None:
    weak = finding("secretscan.generic.password-assignment", SecretKind.PASSWORD, loc("tests/test_a.py"))
    strong = finding("secretscan.aws.access-key", SecretKind.CLOUD_IAM, loc("app/a.py"))
    assert [i.rule_id for i in inventory(weak, strong).items] == ["secretscan.aws.access-key", "secretscan.generic.password-assignment"]


def test_certificate_inventory_pairs_keys() -> None:
    cert = finding("secretscan.acme.key", SecretKind.CERTIFICATE, loc("tls/site.crt"), attrs=(
        ("cert.subject_cn", "site.test"), ("cert.issuer_cn", "CA"), ("cert.not_after", "2026-06-20T00:00:00Z"),
        ("cert.sans", "site.test,www.site.test"), ("pubkey.sha256", "p1")))
    key = finding("secretscan.aws.access-key", SecretKind.PRIVATE_KEY, loc("tls/site.key"), attrs=(
        ("key.algorithm", "RSA"), ("key.size", "2048"), ("key.encrypted", "no"), ("pubkey.sha256", "p1")))
    inv = inventory(cert, key)
    (c,) = inv.certificates
    assert (c.subject_cn, c.sans, c.status, c.has_private_key) == ("site.test", ("site.test", "www.site.test"), "expires soon", True)
    (k,) = inv.keys
    assert (k.algorithm, k.size, k.encrypted, k.pairs_with_certificate) == ("RSA", 2048, False, True)


def test_cert_status() -> None:
    assert cert_status(datetime(2026, 5, 1, tzinfo=timezone.utc), NOW, 30) == "expired"
    assert cert_status(datetime(2026, 6, 30, tzinfo=timezone.utc), NOW, 30) == "expires soon"
    assert cert_status(datetime(2026, 8, 1, tzinfo=timezone.utc), NOW, 30) == "valid"


def test_service_and_test_paths() -> None:
    assert service_of("services/payments/config/application.yml") == "payments"
    assert service_of("k8s/overlays/prod/orders/deployment.yaml") == "orders"
    assert service_of("billing/src/main/resources/application.yml") == "billing"
    assert service_of("config/app.yml") == "config"
    assert service_of(".env") == "(root)"
    assert is_test_path("src/tests/conftest.py") and is_test_path("pkg/db_test.go") and is_test_path("web/a.spec.ts")
    assert not is_test_path("src/contest/app.py")
