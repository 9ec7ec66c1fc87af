"""The interface of structure-aware parsers (Kubernetes, Dockerfile, Spring, .env, source code).

A parser turns one file's bytes into Values: each value's exact byte span in the blob, a
structured locator (``Secret/prod/db key=password``, ``spring.datasource.password``), how it is
stored, and whether the structure alone marks it as a secret. Parsers never run detection;
``secretscan.detect.structured`` feeds their values to the engine. A parser that cannot parse
a file (malformed YAML, a Helm template) returns a note; the blob is still scanned as text.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Protocol

from secretscan.model import Storage


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


# Explicit registry, in order of precedence: the first parser that claims a path reads it.
PARSERS: list[Parser] = []
_CONFIG_PARSERS_LOADED: list[bool] = []


def _load_config_parsers() -> None:
    """Put the configuration parsers first in PARSERS, once (on first use: their modules import
    this one for Value and Parsed, so they cannot be imported from here at import time).
    Specific file names before the generic YAML/JSON reader; source code is the fallback."""
    if _CONFIG_PARSERS_LOADED:
        return
    _CONFIG_PARSERS_LOADED.append(True)
    from secretscan.sources.compose import ComposeParser
    from secretscan.sources.configfiles import ConfigFilesParser
    from secretscan.sources.dockerfile import DockerfileParser
    from secretscan.sources.dotenv import DotenvParser
    from secretscan.sources.kubernetes import KubernetesParser
    from secretscan.sources.spring import SpringParser
    from secretscan.sources.terraform import TerraformParser

    PARSERS[:0] = [
        DockerfileParser(),
        ComposeParser(),
        SpringParser(),
        DotenvParser(),
        ConfigFilesParser(),
        TerraformParser(),
        KubernetesParser(),
    ]
    from secretscan.sources.code import CodeParser  # last: tree-sitter loads only when it parses

    PARSERS.append(CodeParser())


def parser_for(path: str) -> Parser | None:
    _load_config_parsers()
    return _first_claiming(path, tuple(PARSERS))


@functools.lru_cache(maxsize=1 << 16)
def _first_claiming(path: str, parsers: tuple[Parser, ...]) -> Parser | None:
    """Which parser reads ``path``: asked once per path and parser list (claims() parse the
    path each time; the pipeline asks for every blob)."""
    return next((p for p in parsers if p.claims(path)), None)
