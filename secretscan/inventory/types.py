"""Secret types, their defaults for rotation, and dynamic-credential eligibility."""

from __future__ import annotations

from collections.abc import Mapping

from secretscan.inventory.records import SecretType
from secretscan.model import Rule, SecretKind

_BY_KIND = {
    SecretKind.CLOUD_IAM: SecretType.CLOUD_IAM,
    SecretKind.API_KEY: SecretType.API_KEYS,
    SecretKind.DATABASE_CREDENTIAL: SecretType.DATABASE_CREDENTIALS,
    SecretKind.PRIVATE_KEY: SecretType.PRIVATE_KEYS,
    SecretKind.CERTIFICATE: SecretType.TLS_CERTS,
    SecretKind.SIGNING_KEY: SecretType.SIGNING_KEYS,
    SecretKind.SERVICE_TOKEN: SecretType.SERVICE_TOKENS,
    SecretKind.PASSWORD: SecretType.PASSWORDS,
    SecretKind.GENERIC: SecretType.GENERIC,
}
_SSH_MARKERS = ("ssh", "openssh", "putty")
_DB_MARKERS = ("postgres", "mysql", "mariadb", "mongodb", "redis", "mssql", "sqlserver", "jdbc", "datasource", "database", "cassandra", "clickhouse", "couchdb", "neo4j", "oracle-db", "db-password")

# Common practice; a config file's [rotation_days] table overrides any of these.
DEFAULT_ROTATION_DAYS: Mapping[str, int] = {
    SecretType.DATABASE_CREDENTIALS.value: 30,
    SecretType.CLOUD_IAM.value: 1,
    "internal_api_keys": 90,
    SecretType.API_KEYS.value: 180,  # third-party (external) API keys
    SecretType.TLS_CERTS.value: 365,
    SecretType.SIGNING_KEYS.value: 365,
    SecretType.PRIVATE_KEYS.value: 365,
    SecretType.SSH_KEYS.value: 365,
    SecretType.SERVICE_TOKENS.value: 90,
    SecretType.PASSWORDS.value: 90,
    SecretType.GENERIC.value: 90,
}

DYNAMIC_ELIGIBLE = frozenset({SecretType.DATABASE_CREDENTIALS, SecretType.CLOUD_IAM})


def secret_type(rule: Rule) -> SecretType:
    """What a rule's secret is, for the inventory."""
    rid = rule.id.lower()
    if rule.kind is SecretKind.PRIVATE_KEY and any(m in rid for m in _SSH_MARKERS):
        return SecretType.SSH_KEYS
    if rule.kind in (SecretKind.PASSWORD, SecretKind.GENERIC) and any(m in rid for m in _DB_MARKERS):
        return SecretType.DATABASE_CREDENTIALS
    return _BY_KIND[rule.kind]


def is_internal(rule: Rule) -> bool:
    """A key not issued by a known third party: generic and structural rules."""
    return rule.id.startswith(("secretscan.generic.", "secretscan.config.", "secretscan.code.")) or rule.provider.lower() in (
        "generic",
        "structural",
    )


def rotation_days(rule: Rule, kind: SecretType, overrides: Mapping[str, int]) -> int:
    key = "internal_api_keys" if kind is SecretType.API_KEYS and is_internal(rule) else kind.value
    return overrides.get(key, DEFAULT_ROTATION_DAYS[key])
