"""Choosing a parser by path: the registry asks the same predicates the parsers' own
``claims`` use, in order, and imports the module of the chosen parser only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from secretscan.sources.structured import PARSERS, Registered, parser_for

ROOT = Path(__file__).resolve().parents[2]
PARSER_MODULES = {
    "secretscan.sources.code",
    "secretscan.sources.compose",
    "secretscan.sources.configfiles",
    "secretscan.sources.dockerfile",
    "secretscan.sources.dotenv",
    "secretscan.sources.kubernetes",
    "secretscan.sources.spring",
    "secretscan.sources.terraform",
}
NAMED = [
    "Dockerfile", "build/Containerfile.prod", "app.dockerfile", "docker-compose.override.yml", "compose.yaml",
    "src/main/resources/application-prod.yml", "bootstrap.properties", ".env", ".env.local", "prod.env", ".envrc",
    ".npmrc", "home/.aws/credentials", ".docker/config.json", "setup.cfg", "my.cnf", "app.properties",
    "main.tf", "prod.tfvars.json", "deploy/app.yaml", "values.yaml", "package-lock.json", "tsconfig.base.json",
    ".vscode/settings.json", "home/.kube/config", "prod.kubeconfig", "app/settings.py", "web/app.min.js",
    "types/index.d.ts", "README.md", "notes.txt", "Makefile",
]  # fmt: skip


def corpus() -> list[str]:
    found = [p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures").rglob("*") if p.is_file()]
    return sorted({*found, *NAMED, *(p.upper() for p in NAMED)})


def test_registered_predicates_are_the_parsers_claims() -> None:
    registered = [p for p in PARSERS if isinstance(p, Registered)]
    assert len(registered) == len(PARSERS) == 8
    paths = corpus()
    for entry in registered:
        parser = entry.load()
        assert (type(parser).__module__, type(parser).__name__) == (entry.module, entry.cls)
        assert [p for p in paths if entry.claims(p)] == [p for p in paths if parser.claims(p)]


def test_first_claiming_parser_in_order() -> None:
    chosen = {p: getattr(parser_for(p), "name", None) for p in NAMED}
    assert chosen == {
        "Dockerfile": "dockerfile", "build/Containerfile.prod": "dockerfile", "app.dockerfile": "dockerfile",
        "docker-compose.override.yml": "compose", "compose.yaml": "compose",
        "src/main/resources/application-prod.yml": "spring", "bootstrap.properties": "spring",
        ".env": "dotenv", ".env.local": "dotenv", "prod.env": "dotenv", ".envrc": "dotenv",
        ".npmrc": "config-files", "home/.aws/credentials": "config-files", ".docker/config.json": "config-files",
        "setup.cfg": "config-files", "my.cnf": "config-files", "app.properties": "config-files",
        "main.tf": "terraform", "prod.tfvars.json": "terraform", "deploy/app.yaml": "kubernetes",
        "values.yaml": "kubernetes", "package-lock.json": None, "tsconfig.base.json": None,
        ".vscode/settings.json": None, "home/.kube/config": "kubernetes", "prod.kubeconfig": "kubernetes",
        "app/settings.py": "source-code", "web/app.min.js": None, "types/index.d.ts": None, "README.md": None,
        "notes.txt": None, "Makefile": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("path", "imported"),
    [
        ("setup.cfg", {"secretscan.sources.configfiles"}),
        (".env", {"secretscan.sources.dotenv"}),
        ("main.tf", {"secretscan.sources.terraform"}),
        ("app/settings.py", {"secretscan.sources.code"}),
        ("README.md", set()),
    ],
)
def test_choosing_imports_the_chosen_parser_module_only(path: str, imported: set[str]) -> None:
    code = (
        "import json, sys\nfrom secretscan.sources.structured import parser_for\n"
        f"parser_for({path!r})\nprint(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert set(json.loads(out.stdout)) & PARSER_MODULES == imported


@pytest.mark.parametrize(
    "path",
    ["a/b/c.yaml", "a//b/c.yaml", "./x/.env", "/abs/templates/x.yaml", "templates/x.yml", ".kube/config", "x/.kube/config",
     ".", "", "a/", "x.", ".bashrc", "a.b.c", "Dockerfile.prod", "aws/credentials", "a/./b/../c.json", "dir.d/file"],
)
def test_path_parts_agree_with_pathlib(path: str) -> None:
    # The path tests run for every blob of a history; they parse paths with string operations,
    # which must say what PurePosixPath says.
    from pathlib import PurePosixPath

    from secretscan.sources.parser_paths import base_name, parent_name, parts, suffix

    pure = PurePosixPath(path)
    assert (base_name(path), parent_name(path), suffix(base_name(path))) == (pure.name, pure.parent.name, pure.suffix)
    assert parts(path) == tuple(p for p in pure.parts if p != "/")
