"""Spring application*/bootstrap* configuration: fixtures/spring, flattening, profiles, references."""

from __future__ import annotations

import pytest
from structured_expect import (
    FIXTURES,
    analyze_file,
    detector,
)

from secretscan.config import Settings
from secretscan.sources.spring import SpringParser
from secretscan.sources.structured import parser_for


@pytest.fixture(scope="module")
def github_only():  # type: ignore[no-untyped-def]
    return detector(settings=Settings(show_secrets=True))


def test_default_of_a_reference_is_reported_at_the_default(github_only) -> None:  # type: ignore[no-untyped-def]
    rel = "src/main/resources/application.yml"
    data = (FIXTURES / "spring" / rel).read_bytes()
    [m] = [m for m in analyze_file(github_only, "spring", rel) if m.location.locator == "spring.mail.password"]
    assert data[m.location.span.start : m.location.span.end] == b"Spr-Mail-Dflt-71"
    assert m.location.note == "default of ${MAIL_PASSWORD}"


def _values(text: str, path: str = "application.yml") -> dict[str, tuple[str, bool, bool]]:
    data = text.encode()
    parsed = SpringParser().parse(data, path)
    return {v.locator: (data[v.start : v.end].decode(), v.secret_by_name, v.safe) for v in parsed.values}


def test_references_encrypted_values_and_nested_defaults() -> None:
    values = _values(
        "a:\n  password: ${A_PW}\n  secret: '{cipher}abc123'\n  token: ENC(xyz)\n"
        "  api-key: ${OUTER:${INNER:Nest3d-Dflt}}\n  pwd: ${EMPTY:}\n"
    )
    assert values["a.password"] == ("${A_PW}", False, True)
    assert values["a.secret"] == ("{cipher}abc123", False, True)
    assert values["a.token"] == ("ENC(xyz)", False, True)
    assert values["a.api-key"] == ("Nest3d-Dflt", True, False)
    assert values["a.pwd"] == ("${EMPTY:}", False, True)


def test_profiles_from_documents_and_file_name() -> None:
    yml = _values("x:\n  password: A-1\n---\nspring:\n  profiles: qa\nx:\n  password: B-2\n", "application-dev.yml")
    assert {k for k in yml if k.startswith("x.")} == {"x.password [profile=dev]", "x.password [profile=qa]"}
    props = _values(
        "x.password=A-1\n#---\nspring.config.activate.on-profile=prod\nx.password=B-2\n", "bootstrap.properties"
    )
    assert {k for k in props if k.startswith("x.")} == {"x.password", "x.password [profile=prod]"}


def test_lists_flatten_with_indexes() -> None:
    values = _values("app:\n  users:\n    - name: a\n      password: Li5t-Pw-1\n")
    assert values["app.users[0].password"] == ("Li5t-Pw-1", True, False)


@pytest.mark.parametrize(
    "path",
    [
        "application.yml",
        "src/main/resources/application-prod.yaml",
        "application.properties",
        "bootstrap.yml",
        "bootstrap-dev.properties",
    ],
)
def test_claims(path: str) -> None:
    assert getattr(parser_for(path), "name", None) == "spring"


def test_malformed_yaml_is_noted() -> None:
    parsed = SpringParser().parse(b"spring:\n  datasource: [\n", "application.yml")
    assert parsed.values == () and parsed.notes[0].startswith("not valid YAML")
