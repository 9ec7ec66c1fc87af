"""Names and values that mark a secret (shared by every structure-aware walker)."""

from __future__ import annotations

import pytest

from secretscan.sources.names import (
    credential_in_value,
    is_credential_file,
    is_encrypted_value,
    is_reference_value,
    is_secret_name,
    name_tokens,
    reference_default,
)

SECRET = [
    "DB_PASSWORD", "POSTGRES_PASSWORD", "password", "passwd", "pwd", "DB_PASS", "smtp_pw", "passphrase",
    "GITHUB_TOKEN", "auth_token", "accessToken", "refresh_token", "SLACK_BOT_TOKEN", "token",
    "CLIENT_SECRET", "clientSecret", "client-secret", "jwt.secret", "secret", "app_secret", "SECRET_KEY_BASE",
    "API_KEY", "apiKey", "api-key", "x-api-key", "STRIPE_API_KEY", "apikey",
    "AWS_SECRET_ACCESS_KEY", "secret_key", "private_key", "privateKey", "private_key_pem", "access_key",
    "credentials", "creds", "GOOGLE_CREDENTIALS", "spring.datasource.password", "spring.mail.password",
    "server.ssl.key-store-password", "encrypt.key", "mysqlRootPassword", "dbpassword", "signing_key",
    "encryption_key", "master_key", "//registry.npmjs.org/:_authToken", "example.com/api-token", "htpasswd",
]  # fmt: skip
NOT_SECRET = [
    "PASSWORD_FILE", "password_path", "token_url", "TOKEN_ENDPOINT", "AWS_ACCESS_KEY_ID", "client_id",
    "secretName", "secretKeyRef", "existingSecret", "password.min-length", "PASSWORD_MIN_LENGTH",
    "TOKEN_TTL", "token_expiry", "is_password_set", "public_key", "ssh_key", "key", "keys", "username",
    "user", "DATABASE_URL", "LOG_LEVEL", "NEXT_PUBLIC_API_KEY", "password_hash", "SECRET_NAME",
    "bypass", "passthrough", "tokenizer", "secretary", "compass", "use_token", "secret_ref",
    "password-stdin", "PASSWORD_ENV", "forgot_password", "primary_key", "",
]  # fmt: skip


@pytest.mark.parametrize("name", SECRET)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", NOT_SECRET)
def test_names_that_are_not_secrets(name: str) -> None:
    assert not is_secret_name(name)


def test_name_tokens() -> None:
    assert name_tokens("APIKey_v2-clientSecret") == ["api", "key", "v", "2", "client", "secret"]


@pytest.mark.parametrize(
    ("value", "password"),
    [
        ("postgres://app:s3cr3t@db:5432/x", "s3cr3t"),
        ("redis://:R3dis-Pw@cache:6379/0", "R3dis-Pw"),
        ("mongodb+srv://u:p%40ss@c.mongodb.net", "p%40ss"),
        ("Server=db;Database=x;User Id=sa;Password=Sql-Pw-1;", "Sql-Pw-1"),
        ("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Azur3Key==;", "Azur3Key=="),
        ("https://example.com/path?q=1", None),
        ("Server=x;Integrated Security=true", None),
        ("user:pass without scheme", None),
    ],
)
def test_credential_in_value(value: str, password: str | None) -> None:
    span = credential_in_value(value)
    assert (value[span[0] : span[1]] if span else None) == password


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${DB_PASSWORD}", ("DB_PASSWORD", None)),
        ("${DB_PASSWORD:hunter2}", ("DB_PASSWORD", "hunter2")),
        ("${DB_PASSWORD:-hunter2}", ("DB_PASSWORD", "hunter2")),
        ("${A:${B:inner}}", ("A", "inner")),
        ("${A:${B}}", ("A", None)),
        ("${A:?must be set}", ("A", None)),
        ("${A:}", ("A", None)),
        ("prefix-${A}", None),
        ("plain", None),
    ],
)
def test_reference_default(value: str, expected: tuple[str, str | None] | None) -> None:
    found = reference_default(value)
    if found is None or expected is None:
        assert found == expected
        return
    name, span = found
    assert (name, value[span[0] : span[1]] if span else None) == expected


@pytest.mark.parametrize(
    ("value", "encrypted"),
    [
        ("ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]", True),
        ("ENC(G6N718UuyPE5bHyW)", True),
        ("{cipher}AQB3k1v5WmS0lU9", True),
        ("$ANSIBLE_VAULT;1.1;AES256\n6134", True),
        ("vault:v1:8SDd3WHDOjf7mq69CyCqYjBXAiQQAVZRkFM13ok481zoCmHnSeDX9vyf7w==", True),
        ("ENCRYPTED", False),
        ("hunter2", False),
    ],
)
def test_encrypted_values(value: str, encrypted: bool) -> None:
    assert is_encrypted_value(value) is encrypted


@pytest.mark.parametrize(
    ("value", "reference"),
    [
        ("vault://secret/data/db#password", True),
        ("ref+awssm://prod/db", True),
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", True),
        ("projects/p/secrets/db/versions/latest", True),
        ("/run/secrets/db_password", True),
        ("@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/x/)", True),
        ("op://vault/item/password", True),
        ("s3cr3t-value", False),
    ],
)
def test_reference_values(value: str, reference: bool) -> None:
    assert is_reference_value(value) is reference


@pytest.mark.parametrize(
    ("path", "credential"),
    [
        (".env", True),
        ("./config/.env.production", True),
        ("prod.env", True),
        (".env.example", False),
        (".env.sample", False),
        ("id_rsa", True),
        ("/root/.ssh/id_ed25519", True),
        ("id_rsa.pub", False),
        (".npmrc", True),
        (".pypirc", True),
        ("credentials", True),
        ("/home/app/.aws/credentials", True),
        (".docker/config.json", True),
        ("server.key", True),
        ("package.json", False),
        ("app/config.json", False),
        ("src/", False),
    ],
)
def test_credential_files(path: str, credential: bool) -> None:
    assert is_credential_file(path) is credential


# ------------------------------------------------------------------ may_name_secret (a text pre-check)


def test_may_name_secret_finds_every_name_is_secret_name_accepts() -> None:
    """Files the hint rejects are not read value by value: it must find every secret name."""
    from secretscan.sources import names

    words = [*names._SECRET_TOKENS, *names._SECRET_SUFFIXES, *names._SECRET_DOTTED]
    words += [f"{q}{sep}{k}" for q in names._KEY_QUALIFIERS for sep in ("_", "-", ".", "", "__", "/") for k in ("key", "Key")]
    forms = [*SECRET, *words, "GITHUB_PAT", "githubPat", "PATValue", "pat", "db_pass_value", "encrypt.\u212aey"]
    forms += [w.upper() for w in words] + [w.title() for w in words]
    accepted = [f for f in forms if is_secret_name(f)]
    assert len(accepted) > 200
    assert [f for f in accepted if not names.may_name_secret(f"{f}: x".encode())] == []


def test_may_name_secret_passes_over_plain_config() -> None:
    from secretscan.sources.names import may_name_secret

    assert not may_name_secret(b'{"path": "/usr/lib", "author": "Ann", "Pattern": "x", "key": "id", "AUTHOR": 1}')
    assert not may_name_secret(b"name: demo\nport: 8080\nmonkey: banana\n")
