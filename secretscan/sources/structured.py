"""The interface of structure-aware parsers (Kubernetes, Dockerfile, Spring, .env, source code).

A parser turns one file's bytes into Values: each value's exact byte span in the blob, a
structured locator (``Secret/prod/db key=password``, ``spring.datasource.password``), how it is
stored, and whether the structure alone marks it as a secret. Parsers never run detection;
``secretscan.detect.structured`` feeds their values to the engine. A parser that cannot parse
a file (malformed YAML, a Helm template) returns a note; the blob is still scanned as text.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from secretscan.model import Storage
from secretscan.sources import parser_paths


@dataclass(frozen=True, slots=True)
class Value:
    """One value found by a parser, with where it sits in the blob."""

    start: int  # byte span of the value as stored in the blob
    end: int
    locator: str
    storage: Storage
    key: str = ""  # the name it is assigned to: env var, property key, mapping key
    decoded: bytes | None = None  # text to scan instead of blob[start:end] (e.g. base64-decoded)
    decoding: tuple[str, ...] = ()  # how ``decoded`` was obtained, outermost first
    secret_by_name: bool = False  # the structure alone says it is a secret
    safe: bool = False  # encrypted or a reference (SealedSecret, SOPS, ENC(...), ${VAR}): no finding
    note: str | None = None  # e.g. "persists in every image layer"
    key_path: str = ""  # where in the document: "spec.template.spec.containers[0].env[2].value"
    rule: str = ""  # structural rule id for a finding on this value ('' = the storage's default)


@dataclass(frozen=True, slots=True)
class Parsed:
    values: tuple[Value, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. "malformed YAML: scanned as plain text only"
    default_storage: Storage = Storage.PLAIN_FILE  # storage of matches outside every value


class Parser(Protocol):
    """One file format. ``claims`` looks at the path only, so a blob's parser is known before
    it is read (the pipeline deduplicates blobs per parser); ``parse`` may still find the
    content is not of its format and return an empty Parsed.

    A parser may also offer ``parse_structure(data, path) -> Parsed``, used when the plain-text
    scan found nothing in the blob: it must return every value the structure alone marks
    (``secret_by_name``, or with a ``decoding``) and the same notes as ``parse``, and may leave
    out the values that would only have located plain-text matches."""

    name: str

    def claims(self, path: str) -> bool: ...

    def parse(self, data: bytes, path: str) -> Parsed: ...


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: a cache key on every lookup
class Registered:
    """A parser known by its module, its class and the path test its ``claims`` makes
    (``sources.parser_paths``), so that choosing the parser of a path imports the chosen
    parser's module only: a pre-commit hook judging one file pays for one reader."""

    module: str
    cls: str
    claims: Callable[[str], bool]

    def load(self) -> Parser:
        return _instance(self.module, self.cls)


# Explicit registry, in order of precedence: the first parser that claims a path reads it.
# Specific file names before the generic YAML/JSON reader; source code is the fallback.
PARSERS: list[Parser | Registered] = [
    Registered("secretscan.sources.dockerfile", "DockerfileParser", parser_paths.is_dockerfile_path),
    Registered("secretscan.sources.compose", "ComposeParser", parser_paths.is_compose_path),
    Registered("secretscan.sources.spring", "SpringParser", parser_paths.is_spring_path),
    Registered("secretscan.sources.dotenv", "DotenvParser", parser_paths.is_dotenv_path),
    Registered("secretscan.sources.configfiles", "ConfigFilesParser", parser_paths.is_config_file_path),
    Registered("secretscan.sources.terraform", "TerraformParser", parser_paths.is_terraform_path),
    Registered("secretscan.sources.kubernetes", "KubernetesParser", parser_paths.is_yaml_json_path),
    Registered("secretscan.sources.code", "CodeParser", parser_paths.is_source_path),  # tree-sitter loads when it parses
]


def parser_for(path: str) -> Parser | None:
    return _first_claiming(path, tuple(PARSERS))


@functools.lru_cache(maxsize=1 << 16)
def _first_claiming(path: str, parsers: tuple[Parser | Registered, ...]) -> Parser | None:
    """Which parser reads ``path``: asked once per path and parser list (claims() parse the
    path each time; the pipeline asks for every blob)."""
    chosen = next((p for p in parsers if p.claims(path)), None)
    return chosen.load() if isinstance(chosen, Registered) else chosen


@functools.cache
def _instance(module: str, cls: str) -> Parser:
    """One instance of each parser class, imported on first use (the parser modules import
    this one for Value and Parsed)."""
    parser: Parser = getattr(importlib.import_module(module), cls)()
    return parser
