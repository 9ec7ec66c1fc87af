"""The source-code walker: literals bound to secret-like names, in ten grammars, with tree-sitter.

Fixtures under fixtures/code carry their expectations inline: a line whose comment says
``expect: <rule-id>`` must be reported with that rule, a line saying ``filtered:`` is marked by
the parser but dropped by the shared value filters (placeholders), and every other line must
stay quiet.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from secretscan.model import Storage
from secretscan.sources import code_ts, names
from secretscan.sources.code import (
    _HINT,
    MAX_SOURCE_BYTES,
    CodeParser,
    is_test_path,
    judge_name,
    language_for,
    value_rejection,
)
from secretscan.sources.code_lang import LANGS
from secretscan.sources.structured import Parsed, parser_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "code"
STRUCTURAL = "secretscan.code.hardcoded-secret"
FIXTURE_FILES = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file())
_EXPECT = re.compile(r"(?:#|//|/\*|\{/\*)\s*expect: ([a-z0-9.-]+)")
_FILTERED = re.compile(r"(?:#|//)\s*filtered: ")

PARSER = CodeParser()


def annotations(rel: str) -> tuple[set[tuple[str, int]], set[int]]:
    """({(rule id, line)} expected, {line} filtered) from a fixture's comments."""
    expected, filtered = set(), set()
    for number, line in enumerate((FIXTURES / rel).read_text().splitlines(), 1):
        if (m := _EXPECT.search(line)) is not None:
            expected.add((m.group(1), number))
        if _FILTERED.search(line):
            filtered.add(number)
    return expected, filtered


def parse(rel: str) -> tuple[bytes, Parsed]:
    data = (FIXTURES / rel).read_bytes()
    return data, PARSER.parse(data, rel)


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def test_every_language_has_a_fixture() -> None:
    covered = {language_for(rel).name for rel in FIXTURE_FILES if language_for(rel) is not None}  # type: ignore[union-attr]
    assert covered == {lang.name for lang in LANGS}


@pytest.mark.parametrize("rel", FIXTURE_FILES)
def test_values_marked_secret_are_the_annotated_lines(rel: str) -> None:
    data, parsed = parse(rel)
    expected, filtered = annotations(rel)
    marked = {line_of(data, v.start) for v in parsed.values if v.secret_by_name}
    want = set() if is_test_path(rel) else {line for _, line in expected} | filtered
    assert marked == want
    assert parsed.default_storage is Storage.SOURCE_CODE
    assert all(v.storage is Storage.SOURCE_CODE for v in parsed.values)
    assert parsed.notes == ()


@pytest.mark.parametrize("rel", FIXTURE_FILES)
def test_spans_hold_the_literal_without_quotes(rel: str) -> None:
    data, parsed = parse(rel)
    for value in parsed.values:
        text = value.decoded if value.decoded is not None else data[value.start : value.end]
        line = data.splitlines()[line_of(data, value.start) - 1]
        assert data[value.start - 1 : value.start] in (b'"', b"'", b"`", b"(")  # the opening quote is outside
        assert text and text[:3] in line and text[-3:] in line


# (line, locator, key, literal) for a few bindings of every kind, in every language.
EXACT = {
    "settings.py": [
        (14, "python: DATABASE_PASSWORD", "DATABASE_PASSWORD", b"Tq8#vLw2!rZe9p"),
        (15, 'python: os.environ.get("SECRET_KEY")', "SECRET_KEY", b"k3Wp-9xQv_Lm2Ts8Rb"),
        (26, "python: DATABASES.default.PASSWORD", "PASSWORD", b"Gx7$eRq4Wn!2sLk"),
        (37, "python: MailSettings.smtp_password", "smtp_password", b"Vb4!nPz8Qw3xTm"),
        (48, "python: Client.connect() psycopg2.connect(password=)", "password", b"Hq5%tYu2Ei8oPz"),
        (50, "python: Client.connect() conn.set_password()", "set_password", b"Nm3@wQe7Rt1yUx"),
        (60, 'python: configure() os.environ["WORKER_PASSWORD"]', "WORKER_PASSWORD", b"Lp0)oKi9*jUh8&"),
        (62, "python: configure() passwd", "passwd", b"Yh6^tGb5%rFv4E"),
        (67, "python: configure() signing_key", "signing_key", b"Wq2!eR4tY6#uI8"),
    ],
    "config.js": [
        (16, "javascript: nodemailer.createTransport().auth.pass", "pass", b"Zx3%cVb6^nMq1W"),
        (21, "javascript: Vault.#masterKey", "masterKey", b"Qa9!sWd3#eRf5T"),
        (28, "javascript: Vault.login() this.password", "password", b"Mn5$bVc7@xZq3P"),
        (37, "javascript: connect() secretKey", "secretKey", b"Gf4%hJk8*lPo2I"),
    ],
    "server.ts": [
        (15, "typescript: Gateway.constructor() apiKey", "apiKey", b"Fg2%hJk6^lZx4C"),
        (22, "typescript: Gateway.redis() opts.password", "password", b"Yu3(iOp7)aSd1F"),
    ],
    "LoginForm.tsx": [(11, "tsx: LoginForm() Auth(apiKey=)", "apiKey", b"Bn4#mQw7$eRt1Y")],
    "DataSourceConfig.java": [
        (
            23,
            'java: DataSourceConfig.dataSource() props.put("ssl.keystore.password")',
            "ssl.keystore.password",
            b"Xe5!rTy8#uIo1P",
        ),
        (25, "java: DataSourceConfig.dataSource() keyPassword", "keyPassword", b"Qs6%dFg2^hJk4L"),
    ],
    "ApiClient.kt": [
        (8, "kotlin: ApiClient.apiToken", "apiToken", b"Rf7#tGy2!hUj9K"),
        (16, "kotlin: ApiClient.build() mapOf().apiKey", "apiKey", b"Qw9&eRt3*yUi7O"),
        (17, "kotlin: ApiClient.build() connect(password=)", "password", b"Pl2(oKm6)nJi4B"),
    ],
    "main.go": [
        (13, "go: dbPassword", "dbPassword", b"Xw3$eRt7@yUi9O"),
        (25, "go: connect() cfg.Password", "Password", b"Hj4&kLz9*xCv3B"),
        (27, 'go: connect() os.Setenv("REDIS_PASSWORD")', "REDIS_PASSWORD", b"Mz7!xNc3@vBq5W"),
        (28, "go: connect() signingKey", "signingKey", b"Ry2#tUi6$oPa9S"),
    ],
    "mailer.rb": [
        (12, "ruby: Mailer.DEFAULTS.auth_token", "auth_token", b"Zx4%cVb8^nMq2W"),
        (18, "ruby: Mailer.initialize() @api_key", "api_key", b"Hn3(bVc7)xZq9L"),
    ],
    "database.php": [
        (4, 'php: define("DB_PASSWORD")', "DB_PASSWORD", b"Tg4#yHu8!jIk2O"),
        (11, "php: $config.database.password", "password", b"Rf9$tGb3@yHn7U"),
        (24, "php: PaymentGateway.__construct() new Client(password=)", "password", b"Yh2#uJm6$iKl8O"),
    ],
    "Startup.cs": [
        (12, "csharp: Startup.ConnectionSecret", "ConnectionSecret", b"Wn5$mBv9@cXz2L"),
        (17, "csharp: Startup.Configure() smtpPassword", "smtpPassword", b"Lk6&jHg2*fDs9A"),
        (26, 'csharp: Startup.Configure() ["X-Api-Token"]', "X-Api-Token", b"Rt2!yUi6@oPa4S"),
    ],
}


@pytest.mark.parametrize("rel", sorted(EXACT))
def test_locators_keys_and_spans(rel: str) -> None:
    data, parsed = parse(rel)
    got = {
        (line_of(data, v.start), v.locator, v.key, v.decoded if v.decoded is not None else data[v.start : v.end])
        for v in parsed.values
    }
    assert set(EXACT[rel]) <= got


def test_test_files_keep_values_but_never_name_secrets() -> None:
    data, parsed = parse("tests/test_login.py")
    assert {(line_of(data, v.start), v.note) for v in parsed.values} == {
        (10, "test file: not reported by name alone"),
        (11, "test file: not reported by name alone"),
        (15, "test file: not reported by name alone"),
    }
    assert not any(v.secret_by_name for v in parsed.values)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_db.py", True),
        ("app/test_utils.py", True),
        ("pkg/db_test.go", True),
        ("web/src/login.spec.ts", True),
        ("web/src/Login.test.tsx", True),
        ("src/test/java/com/x/RepoTest.java", True),
        ("spec/models/user_spec.rb", True),
        ("src/__tests__/api.js", True),
        ("fixtures/code/settings.py", True),
        ("app/settings.py", False),
        ("src/main/java/com/x/Contest.java", False),
        ("cmd/latest.go", False),
    ],
)
def test_test_paths(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


@pytest.mark.parametrize(
    ("kind", "name", "secret"),
    [
        ("assign", "DB_PASSWORD", True),
        ("assign", "dbPassword", True),
        ("assign", "apiKey", True),
        ("assign", "PASSWORD_RESET_URL", False),
        ("assign", "token_type", False),
        ("assign", "INVALID_PASSWORD", False),
        ("assign", "get_token", False),
        ("assign", "longopt_pat", False),
        ("assign", "TOKEN_HEADER", False),
        ("call", "setPassword", True),
        ("call", "set_api_key", True),
        ("call", "check_password", False),
        ("call", "password", False),
        ("kv", "put spring.datasource.password", True),
        ("kv", "Setenv API_TOKEN", True),
        ("kv", "append password", True),
        ("kv", "assertEqual password", False),
        ("kv", "getenv DB_PASSWORD", True),
    ],
)
def test_names(kind: str, name: str, secret: bool) -> None:
    assert (judge_name(kind, name) is not None) is secret


def test_lookup_defaults_are_noted() -> None:
    assert judge_name("kv", "getenv DB_PASSWORD") == ("DB_PASSWORD", "default value of a lookup")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Qs6%dFg2^hJk4L", None),
        ("abc", "too short"),
        ("Please enter your password", "prose"),
        ("django.contrib.auth.hashers.PBKDF2PasswordHasher", "a dotted name"),
        ("Bearer %s", "a format string"),
        ("{}:{}", "a format string"),
        ("X-API-Key", "names a key"),
        ("auth_token", "names a key"),
    ],
)
def test_value_rejections(text: str, reason: str | None) -> None:
    assert value_rejection(text, "api_key") == reason


def test_comparisons_and_computed_values_are_not_bindings() -> None:
    source = b"""
if password == "Zz9!aQ1@wS2#eD": pass
token = f"{prefix}-Xk2!pQ9z"
secret = "Ab3" + suffix
api_key = os.environ["API_KEY"]
assert password != "Hy7#jU8$kI9%"
"""
    assert PARSER.parse(source, "app/x.py").values == ()


def test_claims_source_files_only() -> None:
    assert all(PARSER.claims(p) for p in ("a.py", "b.JS", "c.tsx", "d.kts", "e.go", "f.rb", "g.php", "h.cs"))
    assert not any(PARSER.claims(p) for p in ("a.txt", "vendor/app.min.js", "types/index.d.ts", "Dockerfile"))


def test_registered_last() -> None:
    assert type(parser_for("app/settings.py")) is CodeParser
    assert parser_for(".env") is not None and type(parser_for(".env")) is not CodeParser


def test_hint_covers_every_secret_name_word() -> None:
    """Files without a hint are never parsed: the hint must find every word is_secret_name knows."""
    words = [*names._SECRET_TOKENS, *(f"{q}_key" for q in names._KEY_QUALIFIERS), *names._SECRET_SUFFIXES]
    words.remove("pat")  # in code a pat is a pattern: judge_name never takes it alone
    assert [w for w in words if _HINT.search(f"x_{w} = 1".encode()) is None] == []
    assert _HINT.search(b"def f():\n    pass\n") is None  # Python's pass statement


# ------------------------------------------------------------------ robustness


def test_invalid_utf8_keeps_byte_spans() -> None:
    data = b'# caf\xe9 \xff\xfe\nDB_PASSWORD = "Tq8#vLw2!rZe9p"\nname = "\xe9t\xe9"\n'
    (value,) = PARSER.parse(data, "app/x.py").values
    assert data[value.start : value.end] == b"Tq8#vLw2!rZe9p" and value.secret_by_name


def test_syntax_errors_still_yield_the_clean_parts() -> None:
    data = b'class A:\n  x = ]\nDB_PASSWORD = "Tq8#vLw2!rZe9p"\nreturn )\n'
    parsed = PARSER.parse(data, "app/x.py")
    assert [data[v.start : v.end] for v in parsed.values] == [b"Tq8#vLw2!rZe9p"]
    assert parsed.notes == ("python syntax errors: values read from the parts that parse",)


def test_files_without_a_literal_near_a_secret_word_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr("secretscan.sources.code._parse", fail)
    for data in (b"token = tokens[0]\nkey = self.key\n", b"def authenticate(password):\n    return check(password)\n"):
        assert PARSER.parse(data, "app/x.py").values == ()


@pytest.mark.parametrize(
    "data",
    [
        # the secret-like words hold calls; the literals belong to __author__ and key
        b'__author__ = "Guido van Rossum"\npassword = read_password()\nvalue = d.get(key, "default")\n',
        b'token_type = "invalid"\nTOKEN_URL = "https://example.test/token"\n',  # names about a secret
        b'ACTIONS = [\n    "secretsmanager:GetSecretValue",\n    "iam:PassRole",\n]\n',  # a list, not a call
        b'KEYWORDS = ("AUTH", "SELECT")\n',
        b'raw = password.encode("utf-8")\n',  # a call on the secret, not a setter
    ],
)
def test_a_literal_bound_to_another_name_does_not_make_a_file_parsed(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("secretscan.sources.code._parse", lambda *_: pytest.fail("parsed"))
    assert PARSER.parse(data, "app/x.py").values == ()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("app/x.py", b'props.put("client.secret", "Tq8#vLw2!rZe9p")\n'),
        ("app/x.rb", b'ENV.fetch "API_TOKEN", "Tq8#vLw2!rZe9p"\n'),
        ("app/X.java", b'class X { void f() { ds.setPassword("Tq8#vLw2!rZe9p"); } }\n'),
        # the binding of 'pass' starts inside the match of "pass', 'pass" (a list-like pair)
        ("app/x.py", b"BANDS = {'low': 'pass', 'pass': 'Tq8#vLw2!rZe9p'}\n"),
    ],
)
def test_calls_setters_and_bindings_inside_other_matches_are_parsed(path: str, data: bytes) -> None:
    parsed = PARSER.parse(data, path)
    assert [data[v.start : v.end] for v in parsed.values if v.secret_by_name] == [b"Tq8#vLw2!rZe9p"]


@pytest.mark.parametrize(
    ("path", "data", "secret"),
    [
        # gofmt aligns a composite literal's values: many spaces after the colon
        ("app/db.go", b'package db\n\nvar c = Config{\n\tHost:' + b" " * 12 + b'"db.internal",\n\tPassword:'
         + b" " * 8 + b'"Tq8#vLw2!rZe9p",\n}\n', b"Tq8#vLw2!rZe9p"),
        # the value on the line after the assignment
        ("app/x.py", b'DB_PASSWORD = (\n    "Tq8#vLw2!rZe9p"\n)\n', b"Tq8#vLw2!rZe9p"),
        # typed declarations
        ("app/a.ts", b'const apiKey: string = "Tq8#vLw2!rZe9p";\n', b"Tq8#vLw2!rZe9p"),
        ("app/A.kt", b'val dbPassword: String = "Tq8#vLw2!rZe9p"\n', b"Tq8#vLw2!rZe9p"),
        ("app/a.go", b'package a\n\nvar dbPassword string = "Tq8#vLw2!rZe9p"\n', b"Tq8#vLw2!rZe9p"),
        ("app/x.py", b'password: str = "Tq8#vLw2!rZe9p"\n', b"Tq8#vLw2!rZe9p"),
        # aligned keys in a dict
        ("app/x.py", b'CONF = {\n    "user":' + b" " * 3 + b'"svc",\n    "api_token"' + b" " * 20 + b': "Tq8#vLw2!rZe9p",\n}\n',
         b"Tq8#vLw2!rZe9p"),
    ],
)
def test_aligned_and_wrapped_bindings_are_read(path: str, data: bytes, secret: bytes) -> None:
    parsed = PARSER.parse(data, path)
    assert [data[v.start : v.end] for v in parsed.values if v.secret_by_name] == [secret]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("app/x.py", b'token = "Xk2!pQ9zRw"\npassword = ' + b"(" * 400_000),  # slow to parse
        ("app/x.py", b"x = " + b'{"password": ' * 20_000 + b'"Xk2!pQ9zRw"' + b"}" * 20_000),  # slow to query
    ],
)
def test_hostile_nesting_is_cut_off_by_the_time_budget(monkeypatch: pytest.MonkeyPatch, path: str, data: bytes) -> None:
    monkeypatch.setattr(code_ts, "TIME_BUDGET", 0.2)
    started = time.monotonic()
    parsed = PARSER.parse(data, path)
    assert time.monotonic() - started < 2
    assert parsed.notes == ("python source too slow to parse: values may be incomplete (scanned as plain text)",)


def test_deep_nesting_within_budget_is_read() -> None:
    data = b'password = "Xk2!pQ9zRw"\n' + b"".join(b" " * i + b"if x:\n" for i in range(1500))
    parsed = PARSER.parse(data, "app/x.py")
    assert [data[v.start : v.end] for v in parsed.values] == [b"Xk2!pQ9zRw"]


def test_huge_files_are_left_to_the_plain_scan() -> None:
    data = b'DB_PASSWORD = "Tq8#vLw2!rZe9p"\n' + b"x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1)
    parsed = PARSER.parse(data, "app/x.py")
    assert parsed.values == ()
    assert parsed.notes == ("python source over 2 MiB: not parsed (scanned as plain text)",)
    assert parsed.default_storage is Storage.SOURCE_CODE


def test_binary_content_is_not_parsed() -> None:
    parsed = PARSER.parse(b"\x00\x01password\x00", "app/x.py")
    assert parsed.values == ()
    assert parsed.notes == ("binary content in a python source path: not parsed (scanned as plain text)",)


def test_files_without_a_hint_are_not_parsed() -> None:
    assert PARSER.parse(b"x = 1\n", "app/x.py") == Parsed(default_storage=Storage.SOURCE_CODE)


# ------------------------------------------------------------------ packaging


def test_grammars_are_bundled_and_parse_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pinned tree-sitter-language-pack ships compiled grammars; newer ones download them."""

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access while parsing")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    from tree_sitter_language_pack import get_parser

    for lang in LANGS:
        tree = get_parser(lang.grammar).parse(b"x")  # type: ignore[arg-type]
        assert tree.root_node is not None, lang.grammar


def test_tree_sitter_is_imported_only_to_parse_source() -> None:
    script = """
import sys
from secretscan.cli import main
from secretscan.detect.structured import analysis_key
analysis_key("app/settings.py")
from secretscan.sources.code import CodeParser
CodeParser().parse(b"x = 1\\n", "app/x.py")
before = "tree_sitter" in sys.modules
CodeParser().parse(b'DB_PASSWORD = "Tq8#vLw2!rZe9p"\\n', "app/x.py")
print(before, "tree_sitter" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["False", "True"]


# ------------------------------------------------------------------ end to end


def scan_json(root: Path, *args: str) -> list[dict[str, object]]:
    res = subprocess.run(
        [sys.executable, "-m", "secretscan", "scan", "--no-git", "-q", "-f", "json", *args, str(root)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 1, res.stderr
    findings: list[dict[str, object]] = json.loads(res.stdout)["findings"]
    return findings


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("code") / "repo"
    shutil.copytree(FIXTURES, root)  # outside fixtures/: the copies are not test paths
    return root


def located(findings: list[dict[str, object]]) -> set[tuple[str, str, int, str, str | None]]:
    return {
        (str(f["rule_id"]), str(loc["path"]), int(loc["line"]), str(loc["storage"]), loc.get("locator"))  # type: ignore[call-overload]
        for f in findings
        for loc in f["locations"]  # type: ignore[attr-defined]
    }


def test_scan_reports_exactly_the_annotated_secrets(copied: Path) -> None:
    """Without the low-confidence line rules, what the parser knows is all that is reported."""
    got = located(scan_json(copied, "--min-confidence", "medium"))
    want = {(rule, rel, line) for rel in FIXTURE_FILES for rule, line in annotations(rel)[0]}
    assert {(rule, path, line) for rule, path, line, _, _ in got} == want
    assert {storage for *_, storage, _ in got} == {"source-code"}
    locators = {
        (rel, line_of(d, v.start)): v.locator for rel in FIXTURE_FILES for d, p in [parse(rel)] for v in p.values
    }
    assert all(locator == locators[(path, line)] for _, path, line, _, locator in got)


def test_line_rules_and_structure_agree_on_every_annotated_line(copied: Path) -> None:
    """With every rule on, each annotated secret is still reported, at its line, as source code."""
    got = located(scan_json(copied))
    at = {(path, line) for _, path, line, storage, _ in got if storage == "source-code"}
    want = {(rel, line) for rel in FIXTURE_FILES for _, line in annotations(rel)[0]}
    assert want <= at


def test_test_and_source_paths_are_analysed_separately() -> None:
    from secretscan.detect.structured import analysis_key

    assert analysis_key("src/app/settings.py") != analysis_key("tests/test_settings.py")


def test_a_test_file_with_no_match_to_locate_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    # In a test file a name alone is never reported, so with no plain-text match there is
    # nothing the syntax tree could add: parse_structure does not parse; parse still does.
    data = b'DB_PASSWORD = "Qz7-rT9!kLm2"\n'
    parser = CodeParser()
    assert [(v.key, v.secret_by_name) for v in parser.parse_structure(data, "app/settings.py").values] == [
        ("DB_PASSWORD", True)
    ]
    assert [(v.key, v.secret_by_name) for v in parser.parse(data, "tests/test_settings.py").values] == [
        ("DB_PASSWORD", False)
    ]
    monkeypatch.setattr(code_ts, "extract", lambda *a, **k: pytest.fail("tree-sitter parse in a test file"))
    assert parser.parse_structure(data, "tests/test_settings.py") == Parsed(default_storage=Storage.SOURCE_CODE)
    big = b"x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1)
    assert parser.parse_structure(big, "tests/test_big.py").notes == parser.parse(big, "tests/test_big.py").notes != ()


def test_pass_as_a_word_part_is_a_hint() -> None:
    # is_secret_name takes db_pass_value, passValue, PASS_WORD and smtp_pass_2; the parser must
    # look there (a file without a hint is never parsed), and not take pass_through or pass_rate.
    src = (
        b'db_pass_value = "Qz7-rT9!kLm2"\npassValue = "Qz7-rT9!kLm3"\nPASS_WORD = "Qz7-rT9!kLm4"\n'
        b'smtp_pass_2 = "Qz7-rT9!kLm5"\npass_through = "Qz7-rT9!kLm6"\npass_rate = "Qz7-rT9!kLm7"\n'
        b'compass_key = "Qz7-rT9!kLm8"\n'
    )
    values = CodeParser().parse(src, "app/settings.py").values
    assert [(v.key, v.secret_by_name) for v in values] == [
        ("db_pass_value", True), ("passValue", True), ("PASS_WORD", True), ("smtp_pass_2", True)
    ]
