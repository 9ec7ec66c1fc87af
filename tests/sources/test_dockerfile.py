"""Dockerfiles and docker-compose files: fixtures/docker, plus the lexer and the command scanner."""

from __future__ import annotations

import pytest
from structured_expect import (
    analyze_file,
    detector,
)

from secretscan.config import Settings
from secretscan.sources.cmdline import command_secrets
from secretscan.sources.dockerfile import DockerfileParser, instructions, is_dockerfile_path, staged
from secretscan.sources.structured import parser_for


@pytest.fixture(scope="module")
def github_only():  # type: ignore[no-untyped-def]
    return detector(settings=Settings(show_secrets=True))


def test_notes_say_how_the_value_persists(github_only) -> None:  # type: ignore[no-untyped-def]
    notes = {m.location.locator: m.location.note for m in analyze_file(github_only, "docker", "Dockerfile")}
    assert "build stage 'build'" in (notes["stage=build ENV DB_PASSWORD"] or "")
    assert "every later image layer" in (notes["stage=1 ENV API_TOKEN"] or "")
    assert "docker history" in (notes["stage=build ARG NPM_TOKEN"] or "")
    assert "image layer" in (notes["stage=1 COPY id_rsa"] or "")


def test_continuations_comments_and_escape_directive() -> None:
    source = "# escape=`\nFROM alpine AS a\nENV A=1 `\n# a comment inside\n    B=2\nRUN echo `\n  done\n"
    found = staged(instructions(source))
    assert [(i.keyword, i.text, i.stage) for i in found] == [
        ("FROM", "alpine AS a", "a"),
        ("ENV", "A=1     B=2", "a"),
        ("RUN", "echo   done", "a"),
    ]
    env = found[1]
    assert source[env.offsets[env.text.index("B")]] == "B"


def test_heredoc_bodies_are_kept() -> None:
    source = "FROM x\nRUN <<-EOT bash\n\techo hi\n\tEOT\nCOPY <<EOF /a\nk=v\nEOF\nENV Z=1\n"
    found = instructions(source)
    assert [i.keyword for i in found] == ["FROM", "RUN", "COPY", "ENV"]
    assert source[found[1].heredocs[0].start : found[1].heredocs[0].end] == "\techo hi"
    assert source[found[2].heredocs[0].start : found[2].heredocs[0].end] == "k=v"


def test_env_forms_and_quoting() -> None:
    data = (
        b'FROM x\nENV DB_PASSWORD Two Words-Pw1\nENV API_TOKEN "Qu0ted-T0k"\n'
        b'ENV A="q" SECRET_TOKEN=\'Sq-T0k3n-99\' \\\n    NPM_TOKEN="N-t\\"q"\nARG X=1 DB_PASS=Arg-Pw-1\n'
    )
    values = DockerfileParser().parse(data, "Dockerfile").values
    secret = {(v.locator, data[v.start : v.end].decode(), v.decoded) for v in values if v.secret_by_name}
    assert secret == {
        ("stage=0 ENV DB_PASSWORD", "Two Words-Pw1", None),  # legacy form: the rest of the line
        ("stage=0 ENV API_TOKEN", "Qu0ted-T0k", None),
        ("stage=0 ENV SECRET_TOKEN", "Sq-T0k3n-99", None),
        ("stage=0 ENV NPM_TOKEN", 'N-t\\"q', b'N-t"q'),  # written escaped, judged unescaped
        ("stage=0 ARG DB_PASS", "Arg-Pw-1", None),
    }


@pytest.mark.parametrize(
    ("command", "found"),
    [
        ("curl -u admin:Sup3r-S3cret https://x/api", ["Sup3r-S3cret"]),
        ('curl -H "Authorization: Bearer abcdef123456" https://x', ["abcdef123456"]),
        ("curl -H 'PRIVATE-TOKEN: glp-9a8b7c6d' https://x", ["glp-9a8b7c6d"]),
        ("wget --user=bob --password=B0b-pass https://x/f?access_token=Zz-999", ["B0b-pass", "Zz-999"]),
        ("mysql -uroot -pR00t-Pw! -e 'select 1'", ["R00t-Pw!"]),
        ("docker login -u bot -p Hunter-22 registry.example.com", ["Hunter-22"]),
        ("echo Hunter-23 | docker login -u bot --password-stdin r.example.com", ["Hunter-23"]),
        ('echo "//registry.npmjs.org/:_authToken=npm_Abc123" > ~/.npmrc', ["npm_Abc123"]),
        ('echo "T0k3n-literal" > /root/.git-credentials', ["T0k3n-literal"]),
        ("NPM_TOKEN=Npm-T0k-1 npm ci && git clone https://bot:Cl0ne-Pw@github.com/o/r", ["Npm-T0k-1", "Cl0ne-Pw"]),
        ("keytool -importkeystore -deststorepass St0re-Pw", ["St0re-Pw"]),
        ('echo "$TOKEN" > ~/.npmrc', []),
        ("PASSWORD=$(cat /run/secrets/pw) ./run --token=$TOKEN", []),
        ("useradd -u 1000 app && docker run -u 1000:1000 img", []),
        ("npm ci --mount=type=secret,id=npmrc", []),
    ],
)
def test_command_credentials(command: str, found: list[str]) -> None:
    assert [command[c.start : c.end] for c in command_secrets(command)] == found


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        ("Dockerfile", "dockerfile"),
        ("build/Dockerfile.prod", "dockerfile"),
        ("api.dockerfile", "dockerfile"),
        ("Containerfile", "dockerfile"),
        ("docker-compose.yml", "compose"),
        ("deploy/docker-compose.prod.yaml", "compose"),
        ("compose.yaml", "compose"),
        ("compose.override.yml", "compose"),
    ],
)
def test_claims(path: str, parser: str) -> None:
    assert is_dockerfile_path(path) == (parser == "dockerfile")
    assert getattr(parser_for(path), "name", None) == parser
