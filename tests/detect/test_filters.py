"""Each filter with its own table of cases: what it rejects and what it keeps."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from secretscan.config import Settings
from secretscan.detect import filters as f
from secretscan.detect.engine import Engine
from secretscan.detect.filters import Candidate
from secretscan.detect.scanner import Detector
from secretscan.ids import blob_id
from secretscan.model import Confidence, Provenance, Rule, RuleId, SecretKind, Severity, SourceKind
from secretscan.ruleset.loader import builtin_rules_dir, load_dirs


def _rule(kind: SecretKind, confidence: Confidence) -> Rule:
    return Rule(
        id=RuleId(f"test.{kind.value}.{confidence.label}"),
        name="test rule",
        provider="Test",
        kind=kind,
        pattern="(x)",
        keywords=(),
        min_entropy=None,
        confidence=confidence,
        severity=Severity.HIGH,
        references=(),
        examples=("x",),
        negative_examples=("y",),
    )


PROVIDER = _rule(SecretKind.API_KEY, Confidence.HIGH)  # a prefix-anchored provider rule
KEYWORD = _rule(SecretKind.API_KEY, Confidence.LOW)  # a provider keyword + charset rule
GENERIC = _rule(SecretKind.PASSWORD, Confidence.LOW)  # a generic assignment rule (contextual)
WALLET = _rule(SecretKind.PRIVATE_KEY, Confidence.HIGH)
CERT = _rule(SecretKind.CERTIFICATE, Confidence.LOW)


def cand(secret: str, line: str | None = None, *, rule: Rule = PROVIDER, path: str = "config.txt") -> Candidate:
    """A candidate whose value sits in ``line`` (the line is the value itself by default)."""
    text = secret if line is None else line
    column = text.find(secret)
    assert column >= 0, "the value must occur in the line"
    return Candidate(secret, rule, text, path, column)


def _case(expected: bool, c: Candidate) -> object:
    label = f"{'rejects' if expected else 'keeps'}:{c.path}:{c.line[:60]}"
    return pytest.param(c, expected, id=label)


def rejects(*cs: Candidate) -> list[object]:
    return [_case(True, c) for c in cs]


def keeps(*cs: Candidate) -> list[object]:
    return [_case(False, c) for c in cs]


def test_registry_is_explicit_and_ordered() -> None:
    assert list(f.FILTERS) == [
        "placeholder",
        "template",
        "documented_example",
        "repeated_or_sequential",
        "uuid",
        "hex_hash",
        "lockfile_integrity",
        "base58check",
        "jwt_without_claims",
        "ca_bundle",
        "code_expression",
        "non_secret_value",
        "word_like",
        "password_hash",
        "key_name",
        "partial_literal",
        "sample_file",
    ]


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("changeme"),
        cand("CHANGEME"),
        cand("change_me_please"),
        cand("ChangeMe123"),
        cand("sk-<your key here>"),
        cand("your_api_key_here"),
        cand("YOUR_API_KEY"),
        cand("putyourtokenhere"),
        cand("your-token"),
        cand("xxxx"),
        cand("XXXXXXXXXXXX"),
        cand("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        cand("AKIAXXXXXXXXXXXXXXXX"),
        cand("AKIA****************"),
        cand("********"),
        cand("P@ssw0rd1!"),
        cand("Secret123"),
        cand("adm1n"),
        cand("not-a-real-token"),
        cand("TODO-fill-in"),
        cand("redacted"),
        cand("sk_live_dummy_9f8e7d6c5b4a"),
        cand("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi..."),
        cand("null"),
        cand("None"),
        cand("true"),
        cand("hunter2"),
    )
    + keeps(
        cand("sk_live_TodoX9fq2LmR8vTe4Wk"),  # "todo" inside a random token, not a word
        cand("q8Ztestk3Rw9PmX2vL5nB7cY"),
        cand("9HsamplE2Kq7Lm4Xw"),
        cand("AbCtodo9xQ2LmZ8"),
        cand("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"),
        cand("P4ssw0rdZx9!Qm"),
        cand("xoxb-2841-9931-Yf8dKq2LmNvB"),
        cand("Tr0ub4dor&3"),
        cand("_|WARNING:-DO-NOT-SHARE-THIS.--it-will-allow-someone-to-log-in-as-you|_2A6DA1F2AD6C51C6EF979C"),
    ),
)
def test_placeholder(c: Candidate, expected: bool) -> None:
    assert f.placeholder(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("${DB_PASS}"),
        cand("${DB_PASS:-fallback}"),
        cand("$DB_PASS"),
        cand("$(cat /run/secrets/db)"),
        cand("{{ .Values.db.password }}"),
        cand("{% raw %}x{% endraw %}"),
        cand("%(pw)s"),
        cand("%DB_PASS%"),
        cand("<password>"),
        cand("[YOUR TOKEN]"),
        cand("@DB_PASS@"),
        cand("#{db.password}"),
        cand("__DB_PASS__"),
        cand("{password}"),
        cand("ENV['DB_PASS']"),
        cand("process.env.DB_PASS"),
        cand("os.environ['DB_PASS']"),
        cand("os.getenv('DB_PASS')"),
        cand("'${DB_PASS}'"),
        cand("prefix-${VAR}"),
        cand("{{ x }}-suffix"),
        cand("user:%(password)s"),
        cand("<%= ENV['X'] %>"),
    )
    + keeps(
        cand("S3cr3t$Value9"),
        cand("abc{def}ghi9Q"),
        cand("100%real9Q"),
        cand("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"),
    ),
)
def test_template(c: Candidate, expected: bool) -> None:
    assert f.template(c) is expected


_SAS_SIG = "aBBKDWQvyuVcTPH9EBp%2FXTI9E%2F%2Fmq171%2BZU178wcwqU%3D"
_GHP = "ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"
JWT_IO = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("AKIAIOSFODNN7EXAMPLE"),
        cand("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        cand("AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT"),
        cand("idpexamplesecret456"),
        cand(JWT_IO),
        cand("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
        cand("test test test test test test test test test test test junk"),
        # Oracle's SCOTT/TIGER sample account, as SQLAlchemy's docs write it
        cand("tiger^5HHH", '"mssql+pyodbc://scott:tiger^5HHH@mssql2017:1433/test?driver=ODBC",'),
        # a sample introduced by the sentence around it (AWS DataSync's API reference)
        cand(_SAS_SIG, f"* A token looks something like this:  sp=r&amp;sv=2021-06-08&amp;sr=c&amp;sig={_SAS_SIG}"),
        cand("aBBKDWQvyuVcTPH9EBp/XTI9E//mq171+ZU178wcwqU="),  # the same sample, percent-decoded
        cand(_GHP, f"For example: GITHUB_TOKEN={_GHP}"),
        cand(_GHP, f"# e.g. {_GHP}"),
    )
    + keeps(
        cand("tiger^5HHH", '"mssql+pyodbc://app:tiger^5HHH@mssql2017:1433/test"'),  # not the sample user
        cand(_GHP, f"GITHUB_TOKEN={_GHP}  # for example"),  # the phrase comes after the value
        cand(_GHP, f"token = {_GHP}  # see the example below"),
        cand("AKIAZ4QH8DHBQ2RT7XJK"),
        cand("wJalrXUtnFEMI/K7MDENG/bPxRfiCYq8Zk2LmR"),
        cand("exampl3Q9vLm"),
    ),
)
def test_documented_example(c: Candidate, expected: bool) -> None:
    assert f.documented_example(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("aaaaaaaa"),
        cand("12345678"),
        cand("abcdefgh"),
        cand("zyxwvuts"),
        cand("abcabcabc"),
        cand("abcd1234"),
        cand("aaaa1111bbbb"),
        cand("abcd1234defg5678"),
        cand("ghp_000000000000000000000000000000000000"),
        cand("AB1C2defGHijkLMNo3PqQRstUvwxyzaCBDEfghh4"),
        cand("a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234"),
        cand("1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"),
        cand("a1b2c3d4567890ab"),
    )
    + keeps(
        cand("abc"),
        cand("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"),
        cand("e3e57794c5334766b0e2a1084806e079"),
        cand("9f2c7a41e0b3d865"),
        cand("Xk9-secret-Qw"),
    ),
)
def test_repeated_or_sequential(c: Candidate, expected: bool) -> None:
    assert f.repeated_or_sequential(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(cand("7d3a1c2e-4b5f-4e6a-9c8d-0f1e2d3c4b5a"), cand("7D3A1C2E-4B5F-4E6A-9C8D-0F1E2D3C4B5A"))
    + keeps(cand("7d3a1c2e4b5f4e6a9c8d0f1e2d3c4b5a"), cand("7d3a1c2e-4b5f-4e6a-9c8d-0f1e2d3c4b5aX")),
)
def test_uuid(c: Candidate, expected: bool) -> None:
    assert f.uuid(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("d41d8cd98f00b204e9800998ecf8427e"),  # MD5
        cand("da39a3ee5e6b4b0d3255bfef95601890afd80709"),  # SHA-1
        cand("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),  # SHA-256, upper case
    )
    + keeps(
        cand("d41d8cd98f00b204e9800998ecf842"),  # 30 hex digits: no digest has that length
        cand("D41d8cd98f00b204e9800998ecf8427e"),  # mixed case
        cand("q8Ztestk3Rw9PmX2vL5nB7cYq8Ztestk"),
    ),
)
def test_hex_hash(c: Candidate, expected: bool) -> None:
    assert f.hex_hash(c) is expected


_SRI = "sha512-Q8Zk3Rw9PmX2vL5nB7cYq8Zk3Rw9PmX2vL5nB7cYq8Zk3Rw9PmX2vL5nB7cY=="


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("Q8Zk3Rw9PmX2vL5nB7cYq8Zk", f'  "integrity": "{_SRI}",', rule=KEYWORD),
        cand("Q8Zk3Rw9PmX2vL5nB7cY", 'token = "Q8Zk3Rw9PmX2vL5nB7cY"', rule=KEYWORD, path="app/package-lock.json"),
        cand("Q8Zk3Rw9PmX2vL5nB7cY", "Q8Zk3Rw9PmX2vL5nB7cY", rule=GENERIC, path="poetry.lock"),
    )
    + keeps(
        cand("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o", path="package-lock.json"),  # high confidence
        cand("Q8Zk3Rw9PmX2vL5nB7cY", 'token = "Q8Zk3Rw9PmX2vL5nB7cY"', rule=KEYWORD, path="app/config.json"),
    ),
)
def test_lockfile_integrity(c: Candidate, expected: bool) -> None:
    assert f.lockfile_integrity(c) is expected


_WIF = "L2ZmZQr9mHUyfxc7DvfYGc2BUWK3aTuDUZyxEJ6KStgha2XHNbQS"
_XPRV = "xprv9xvCwXsQpQekPpqjYg2AQM4LL999GxWJRhkW97xXEiaqRjbEj4Rr6PwvYq2Cka8BjqenfUywFFs1oDqV94vdtJuTQ1Hh16zJs3Ln3bKYTvz"


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand(_WIF[:-3] + "AQS", rule=WALLET),  # one character changed: the checksum fails
        cand(_XPRV[:-1] + "a", rule=WALLET),
    )
    + keeps(
        cand(_WIF, rule=WALLET),
        cand(_XPRV, rule=WALLET),
        cand(_WIF[:-3] + "AQS", rule=PROVIDER),  # not a private-key rule: not judged
        cand("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o", rule=WALLET),  # not Base58Check-shaped
    ),
)
def test_base58check(c: Candidate, expected: bool) -> None:
    assert f.base58check(c) is expected


_REAL_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsImlzcyI6Imh0dHBzOi8vYXV0aC5jb3JwLmludGVybmFsIiwi"
    "aWF0IjoxNzE4MDAwMDAwLCJleHAiOjE5MDAwMDAwMDAsImp0aSI6ImY0ZjgwY2EzNDZlN2JhYTEifQ.r53wmbbmcoS3BxHlAg3jB52uHksN70MEeOUXAjNukAU"
)


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        # {"k": "value"}: a documentation toy with no registered claim
        cand("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJrIjoidmFsdWUifQ._M8ViO_GK6TnZ9G9eqdlS7IpNWzhoGwaYYDQ3hEwwmA"),
        cand("eyJhbGciOiJIUzI1NiJ9.eyJmb28iOiJiYXIiLCJuIjoxfQ.r53wmbbmcoS3BxHlAg3jB52uHksN70MEeOUX"),  # {"foo": "bar"}
    )
    + keeps(
        cand(_REAL_JWT),
        cand("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub3QganNvbi.r53wmbbmcoS3BxHlAg3jB52uHksN70MEeOUX"),  # not JSON: not judged
        cand("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"),
    ),
)
def test_jwt_without_claims(c: Candidate, expected: bool) -> None:
    assert f.jwt_without_claims(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("get_password()", "password = get_password()", rule=GENERIC),
        cand("this.token", "token: this.token", rule=GENERIC),
        cand("config.secret", 'secret = "config.secret"', rule=GENERIC),
        cand("user_password", "password = user_password", rule=GENERIC, path="src/app.py"),
        cand("settings.DB_PASSWORD", "PASSWORD = settings.DB_PASSWORD", rule=GENERIC, path="app.go"),
        cand("SecretStr", "password: SecretStr", rule=GENERIC, path="models.py"),
        # a source map's sourcesContent is code
        cand("defaultToConfig2", '["  auth: defaultToConfig2,\\n"]', rule=GENERIC, path="dist/a.min.js.map"),
    )
    + keeps(
        cand("hunter2Xq9", 'password = "hunter2Xq9"', rule=GENERIC, path="src/app.py"),
        cand("hunter2Xq9", "DB_PASSWORD=hunter2Xq9", rule=GENERIC, path=".env"),
        cand("hunter2Xq9", "password: hunter2Xq9", rule=GENERIC, path="config.yaml"),
        cand("Zq81xTwe", 'DSN = "postgres://app:Zq81xTwe@db/app"', rule=GENERIC, path="app.py"),  # not after =
        cand("abc123XYZ9", "key = abc123XYZ9", rule=KEYWORD, path="app.py"),  # not a contextual rule
    ),
)
def test_code_expression(c: Candidate, expected: bool) -> None:
    assert f.code_expression(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        *(
            cand(v, rule=GENERIC)
            for v in (
                "8080",
                "3.14",
                "v1.2.3",
                "2.0.1-beta.1",
                "2024-01-31",
                "2024-01-31T10:00:00Z",
                "/etc/ssl/private/server.key",
                "/run/secrets/db_password",
                "./secrets.json",
                "~/.ssh/id_rsa",
                "C:\\keys\\prod.pfx",
                "https://vault.corp.io/v1/secret/data/db",
                "credentials.json",
                "ops@corp.io",
                "10.0.0.12",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123",
                "arn:aws:iam::aws:policy/IAMUserChangePassword",
                "^9.0.3",  # package.json: "jsonwebtoken": "^9.0.3"
                "~=2.31.0",
                ">=1.4",
                "#d8dee9",  # a style's colour: Token: "#d8dee9"
                "#ABB2BF",
                "List[V1LocalObjectReference]",  # openapi_types: "image_pull_secrets": "List[...]"
                "Optional[str]",
                "dict(str, str)",
                "\\U000f0000",  # _CONTROL_TOKEN_START = "\U000f0000"
                "\\x1b",
                "[^\\W\\d]\\w*",  # a lexer's regex: jsonnet_token = r'[^\W\d]\w*'
                "(?=\\s|#|[)\\]]|$)",
                "[^@]*))?",
            )
        )
    )
    + keeps(
        cand("#Zq81xTwe", rule=GENERIC),  # not a colour
        cand("^Zq81xTwe.9", rule=GENERIC),
        cand("Zq81[xTwe]9", rule=GENERIC),
        cand("/aB3+xY9Kq/Qr7Zt", rule=GENERIC),  # base64 starting with a slash
        cand("https://user:S3cr3tXq@host.corp", rule=GENERIC),
        cand("hunter2Xq9", rule=GENERIC),
        cand("8080", rule=KEYWORD),  # only contextual rules are judged
    ),
)
def test_non_secret_value(c: Candidate, expected: bool) -> None:
    assert f.non_secret_value(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        *(
            cand(v, rule=GENERIC)
            for v in (
                "mysecretpassword",
                "Content-Type",
                "ServiceAccount",
                "ExclusiveStartShardId",
                "ACCESS_TOKEN",
                "geheim$parole",
                "rest-of-my-password",
                "SomeKindOfPassword123",
                "Xk9-secret-Qw",
                "*all*authentication*tokens*",
                "Contraseña",
                "Mot-de-passe",
                "密码",
                "applicationId",
                "?InterpolationInTemplate",
                "V1ServiceAccountTokenProjection",
                "AWSAccessKeyId",
                "RFC 2518",
                "Windows 10 Pro",
            )
        )
    )
    + keeps(
        cand("qZxVBTLmRwKp", rule=GENERIC),  # random letters mix case inside a word
        cand("xKqZvbTw", rule=GENERIC),
        cand("QwErTyUiOpZ", rule=GENERIC),
        cand("hunter2Xq9", rule=GENERIC),
        cand("Tr0ub4dor&3", rule=GENERIC),
        cand("correcthorse9", rule=GENERIC),
        cand("Cr0nS3cretAcc3ssK3y0099", rule=GENERIC),  # leetspeak is how people write real passwords
        cand("2518 4096", rule=GENERIC),
        cand("Zq81 xTwe9Lm", rule=GENERIC),
        cand("organizations/3e538f6e-dbab-45c1-ab98-a0f2e1733612/apiKeys/23ef439f-ea6e", rule=GENERIC),
        cand("ServiceAccount", rule=PROVIDER),
    ),
)
def test_word_like(c: Candidate, expected: bool) -> None:
    assert f.word_like(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("$2b$12$aV3rN6mPq9YxWz1Lc8KdE.uQ0tS5jH7gF2bR4nM6kL8pO1iU3yT5e", rule=GENERIC),
        cand("$6$rounds=5000$saltsalt$Kq7Lm4Xw9HsamplE2Kq7Lm4Xw", rule=GENERIC),
        cand("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$Kq7Lm4Xw9H", rule=GENERIC),
        cand("pbkdf2_sha256$600000$vf4aThab0Y$HWcX3aQsrY6f", rule=GENERIC),
        cand("{SSHA}Kq7Lm4Xw9HsamplE2Kq7Lm4Xw", rule=GENERIC),
    )
    + keeps(cand("$ecretV4lue9", rule=GENERIC), cand("$2b$12$aV3rN6mPq9YxWz1Lc8KdE.uQ0tS5jH7gF2bR4nM6kL8", rule=KEYWORD)),
)
def test_password_hash(c: Candidate, expected: bool) -> None:
    assert f.password_hash(c) is expected


_V = "Q8Zk3Rw9PmX2vL5n"


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand(_V, f'csrf_token = "{_V}"', rule=GENERIC),
        cand(_V, f'next_page_token: "{_V}"', rule=GENERIC),
        cand(_V, f'"NextToken": "{_V}",', rule=GENERIC),
        cand(_V, f'"ClientToken": "{_V}",', rule=GENERIC),
        cand(_V, f'hashed_password = "{_V}"', rule=GENERIC),
        cand(_V, f'FAKE_API_KEY="{_V}"', rule=GENERIC),
        cand(_V, f'"AWS::IAM::AccessKey": "{_V}",', rule=GENERIC),
        cand("RSA_4096", '"CustomerMasterKeySpec": "RSA_4096",', rule=GENERIC),
        cand("[GO]", 'def __init__(self, unk_token="[GO]", bos_token="[GO]"):', rule=GENERIC),
        cand("|SPEAKER|", 'self.image_token = "|SPEAKER|"', rule=GENERIC),
        cand(_V, f'_CONTROL_TOKEN_START = "{_V}"', rule=GENERIC),
    )
    + keeps(
        cand(_V, f'client_secret = "{_V}"', rule=GENERIC),
        cand(_V, f"DB_PASSWORD={_V}", rule=GENERIC),
        cand(_V, f'"access_token": "{_V}"', rule=GENERIC),
        cand(_V, f'<add key="DbPassword" value="{_V}" />', rule=GENERIC),
        cand(_V, f'"refresh-token": "{_V}"', rule=GENERIC),
        cand(_V, f'SPECIAL_ACCESS_KEY = "{_V}"', rule=GENERIC),  # "special" qualifies tokens only
        cand(_V, f'csrf_token = "{_V}"', rule=PROVIDER),
    ),
)
def test_key_name(c: Candidate, expected: bool) -> None:
    assert f.key_name(c) is expected


@pytest.mark.parametrize(
    ("line", "value", "key"),
    [
        ('db_password = "{v}"', _V, "db_password"),
        ('  "password": "{v}",', _V, "password"),
        ("<password>{v}</password>", _V, "password"),
        ('<add key="SmtpPassword" value="{v}" />', _V, "SmtpPassword"),
        ("spring.datasource.password={v}", _V, "spring.datasource.password"),
        ("$config['db_pass'] = '{v}';", _V, "db_pass"),
        ('conn(password=b"{v}")', _V, "password"),
        ('"AWS::SecretsManager::Secret": "{v}"', _V, "AWS::SecretsManager::Secret"),
        ("{v}", _V, ""),
    ],
)
def test_assigned_key(line: str, value: str, key: str) -> None:
    assert f.assigned_key(cand(value, line.format(v=value), rule=GENERIC)) == key


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand(_V, rule=GENERIC, path=".env.example"),
        cand(_V, rule=GENERIC, path="config/settings.yml.sample"),
        cand(_V, rule=GENERIC, path="deploy/values.yaml.tmpl"),
        cand(_V, rule=GENERIC, path="docs/examples/app.yaml"),
        cand(_V, rule=KEYWORD, path="samples/client.py"),
        # files named as holding examples: botocore's and aws-sdk's API examples
        cand(_V, rule=GENERIC, path="botocore/data/kms/2014-11-01/examples-1.json"),
        cand(_V, rule=GENERIC, path="aws-sdk/apis/kms-2014-11-01.examples.json"),
        cand(_V, rule=GENERIC, path="config_sample.yaml"),
        cand(_V, rule=GENERIC, path="docs/examples.md"),
    )
    + keeps(
        cand(_V, rule=GENERIC, path="example.txt"),  # a bare example.txt: rules check's own path
        cand(_V, rule=GENERIC, path="src/app.py"),
        cand(_V, rule=GENERIC, path="src/sampler.py"),
        cand(_V, rule=GENERIC, path="src/counterexample.py"),
        cand(_V, rule=PROVIDER, path="examples/client.py"),  # high confidence stands anywhere
    ),
)
def test_sample_file(c: Candidate, expected: bool) -> None:
    assert f.sample_file(c) is expected


_PEM = (
    "-----BEGIN CERTIFICATE-----\nMIIBhDCCASmgAwIBAgIUa671NAl9tDMnM2d0emAwISMVYiwwCgYIKoZIzj0EAwIw\n"
    "-----END CERTIFICATE-----"
)


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand(_PEM, rule=CERT, path="site-packages/botocore/cacert.pem"),
        cand(_PEM, rule=CERT, path="stripe/data/ca-certificates.crt"),
        cand(_PEM, rule=CERT, path="etc/ca-bundle.crt"),
        cand(_PEM, rule=CERT, path="certs/trusted-roots.pem"),
    )
    + keeps(
        cand(_PEM, rule=CERT, path="deploy/tls/server.crt"),
        cand(_PEM, rule=CERT, path="pki/ca.pem"),  # a project's own CA
        cand(_PEM, rule=CERT, path="pki/cacert-pinning.txt"),
        cand(_PEM, rule=WALLET, path="botocore/cacert.pem"),  # only certificates are judged
    ),
)
def test_ca_bundle(c: Candidate, expected: bool) -> None:
    assert f.ca_bundle(c) is expected


@pytest.mark.parametrize(
    ("c", "expected"),
    rejects(
        cand("variable|default:", """token = 'variable|default:"Default value"|date:"Y-m-d"'""", rule=GENERIC),
        cand("correct", 'password = "correct horse battery staple"', rule=GENERIC),
    )
    + keeps(
        cand(_V, f'token = "{_V}"', rule=GENERIC),
        cand(_V, f"token = {_V} and more", rule=GENERIC),  # not quoted
        cand(_V, f'"code": "token = \\"{_V}\\"\\n"', rule=GENERIC),  # an escaped quote closes it
        cand(_V, f'"token": "{_V}', rule=GENERIC),  # the line ends: not judged
        cand(_V, f"token = '{_V} more'", rule=PROVIDER),
    ),
)
def test_partial_literal(c: Candidate, expected: bool) -> None:
    assert f.partial_literal(c) is expected


def test_rejecting_filter_names_the_first_filter_and_honours_skip_filters() -> None:
    assert f.rejecting_filter(cand("7d3a1c2e-4b5f-4e6a-9c8d-0f1e2d3c4b5a")) == "uuid"
    uuid_key = replace(PROVIDER, skip_filters=("uuid",))
    assert f.rejecting_filter(cand("7d3a1c2e-4b5f-4e6a-9c8d-0f1e2d3c4b5a", rule=uuid_key)) is None
    assert f.rejecting_filter(cand("ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o")) is None


_HOSTILE = (
    "x" * 200_000 + "!",
    "{{" + "a" * 200_000,
    "a." * 100_000 + "(",
    "/" + "a/" * 100_000 + "+",
    "1." * 100_000 + "x",
    "$2b$" + "A" * 200_000 + " ",
    "eyJ" + "A" * 100_000 + ".eyJ" + "B" * 100_000 + ".c",
    "aB3" * 70_000,
)


@pytest.mark.parametrize("value", _HOSTILE, ids=lambda v: f"{v[:6]!r}x{len(v)}")
def test_filters_are_fast_on_hostile_values(value: str) -> None:
    started = time.perf_counter()
    for rule in (PROVIDER, GENERIC, WALLET):
        line = 'password = "' + value + '"'
        c = Candidate(value, rule, line, "src/app.py", 12)
        for predicate in f.FILTERS.values():
            predicate(c)
    assert time.perf_counter() - started < 3.0


@pytest.fixture(scope="module")
def generic_detector() -> Detector:
    rules = [r for r in load_dirs([builtin_rules_dir()]) if r.source.endswith("generic.yml")]
    return Detector(Engine(rules), Settings())


@pytest.mark.parametrize(
    ("path", "text", "found"),
    [
        (".env", "DB_PASSWORD=Hq7vXk29Lm", {("secretscan.generic.password-assignment", 1)}),
        ("settings.py", "DB_PASSWORD = db_password_from_vault", set()),
        ("settings.py", 'DB_PASSWORD = "Hq7vXk29Lm"', {("secretscan.generic.password-assignment", 1)}),
        ("settings.py", "x = 1\nclient_secret = os.environ['CLIENT_SECRET']\n", set()),
        (".env.example", "DB_PASSWORD=Hq7vXk29Lm", set()),
        ("app.yaml", 'api:\n  csrf_token: "Q8Zk3Rw9PmX2vL5nB7cY"\n  auth_token: "Q8Zk3Rw9PmX2vL5nB7cY"\n',
         {("secretscan.generic.token-assignment", 3)}),
    ],
)  # fmt: skip
def test_context_reaches_the_filters_through_the_scanner(
    generic_detector: Detector, path: str, text: str, found: set[tuple[str, int]]
) -> None:
    data = text.encode()
    matches = generic_detector.scan(data, blob_id(data), Provenance(SourceKind.FILE, path))
    assert {(m.rule_id, m.location.span.line) for m in matches} == found
