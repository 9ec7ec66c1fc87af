"""Rendering of the artefact generators' files: YAML with a stable key order (the order the
generator built), JSON with two-space indents, each with a short header saying what it is."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style, keys in insertion order, multi-line strings as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def comment(lines: Iterable[str]) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def yaml_doc(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1000)


def yaml_docs(docs: Sequence[Any], header: Iterable[str] = ()) -> str:
    """One or more YAML documents, ``---`` between them, after a comment header."""
    body = "---\n".join(yaml_doc(d) for d in docs)
    return comment(header) + body


def json_text(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def shell_script(lines: Iterable[str], header: Iterable[str] = ()) -> str:
    return "#!/bin/sh\n" + comment(header) + "set -eu\n\n" + "".join(f"{line}\n" for line in lines)
