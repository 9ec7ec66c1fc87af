""".env, properties, ini, credential files, docker config.json and Terraform: fixtures/config."""

from __future__ import annotations

import base64

import pytest
from structured_expect import (
    analyze_file,
    detector,
)

from secretscan.config import Settings
from secretscan.sources.configfiles import ConfigFilesParser, format_of, ini_entries, properties_entries
from secretscan.sources.dotenv import entries as dotenv_entries
from secretscan.sources.structured import parser_for
from secretscan.sources.terraform import TerraformParser


@pytest.fixture(scope="module")
def github_only():  # type: ignore[no-untyped-def]
    return detector(settings=Settings(show_secrets=True))


def test_decoded_credentials_carry_their_chain(github_only) -> None:  # type: ignore[no-untyped-def]
    npm = {m.location.locator: m for m in analyze_file(github_only, "config", "home/.npmrc")}
    auth = npm["//npm.pkg.example.com/:_auth"]
    assert (auth.revealed, auth.location.decoding) == ("Npm-Auth-Pw-99", ("base64", "user:password"))
    docker = {m.location.locator: m for m in analyze_file(github_only, "config", "home/.docker/config.json")}
    robot = docker["auths.registry.example.com user=robot auth"]
    assert (robot.rule_id, robot.revealed) == ("secretscan.docker.registry-credential", "Dcfg-Auth-Pw-47")


def test_properties_syntax() -> None:
    source = "a=1\n  b : two words \nc\\ d=3\\\n   4\n! comment\ne\\u0041=x\\ty\nf\n"
    got = [(e.key, e.logical, source[e.start : e.end]) for e, _ in properties_entries(source)]
    assert got == [
        ("a", "1", "1"),
        ("b", "two words", "two words"),
        ("c d", "34", "3\\\n   4"),
        ("eA", "x\ty", "x\\ty"),
        ("f", "", ""),
    ]


def test_ini_sections_comments_and_quotes() -> None:
    source = "[s1]\nk = v ; note\n[s 2]\npassword: 'q v'\n# x = y\n"
    assert [(e.section, e.key, e.logical) for e in ini_entries(source)] == [
        ("s1", "k", "v"),
        ("s 2", "password", "q v"),
    ]


def test_dotenv_syntax() -> None:
    source = 'export A=1\nB="multi\nline"\nC=\'raw\\n\' # c\nD=plain # comment\nE="esc\\"aped"\nnot an assignment\n'
    got = [(e.key, e.logical) for e in dotenv_entries(source)]
    assert got == [("A", "1"), ("B", "multi\nline"), ("C", "raw\\n"), ("D", "plain"), ("E", 'esc"aped')]


def test_netrc_macdef_and_default() -> None:
    data = b"macdef init\npassword not-this\n\ndefault login anon password Def4ult-Pw\n"
    [value] = [v for v in ConfigFilesParser().parse(data, ".netrc").values if v.secret_by_name]
    assert (value.locator, data[value.start : value.end]) == ("machine=default login=anon password", b"Def4ult-Pw")


def test_npm_password_field_is_base64() -> None:
    encoded = base64.b64encode(b"Npm-B64-Pw").decode()
    data = f"//r.example.com/:username=bot\n//r.example.com/:_password={encoded}\n".encode()
    [value] = [v for v in ConfigFilesParser().parse(data, ".npmrc").values if v.secret_by_name]
    assert (value.decoded, value.decoding) == (b"Npm-B64-Pw", ("base64",))


def test_terraform_reader() -> None:
    source = (
        'variable "api_token" {\n  default = "Tf-T0k"\n}\n'
        'variable "x" {\n  default = "not secret"\n}\n'
        'module "db" {\n  source = "./db"\n  password = "a-${var.b}"\n  db_password = "Mod-Pw" // c\n'
        '  settings = { secret_key = "Obj-K3y" }\n  list = ["a", "b"]\n}\n'
        'resource "x" "y" {\n  password = "a" + var.b\n}\n'
    )
    values = TerraformParser().parse(source.encode(), "main.tf").values
    got = {(v.locator, source[v.start : v.end]) for v in values if v.secret_by_name}
    assert got == {
        ("variable.api_token.default", "Tf-T0k"),
        ("module.db.db_password", "Mod-Pw"),
        ("module.db.settings.secret_key", "Obj-K3y"),
    }


def test_terraform_reader_survives_garbage() -> None:
    for junk in (b'resource "a" {\n  x = "unterminated\n', b"}}}{{{ = = =", b"a = <<EOF\nno end", b"/* open comment"):
        TerraformParser().parse(junk, "main.tf")


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        (".env", "dotenv"),
        (".env.production", "dotenv"),
        ("deploy/prod.env", "dotenv"),
        ("gradle.properties", "config-files"),
        ("setup.cfg", "config-files"),
        ("home/.npmrc", "config-files"),
        (".pypirc", "config-files"),
        (".netrc", "config-files"),
        (".git-credentials", "config-files"),
        (".pgpass", "config-files"),
        ("home/.docker/config.json", "config-files"),
        (".aws/credentials", "config-files"),
        ("terraform.tfvars", "terraform"),
        ("prod.tfvars.json", "terraform"),
        ("main.tf", "terraform"),
    ],
)
def test_claims(path: str, parser: str) -> None:
    assert getattr(parser_for(path), "name", None) == parser


def test_format_of_is_by_name_only() -> None:
    assert format_of("app/config.json") is None
    assert format_of("app/.docker/config.json") == "docker-config"
