"""Terraform: ``*.tfvars``, variable defaults and literal arguments in ``*.tf``.

A small HCL reader: blocks (``resource "aws_db_instance" "main" { ... }``), attributes
(``password = "..."``), object values (``{ key = "..." }``), heredocs, comments. Only literal
strings are values: an interpolation (``"${var.x}"``) or an expression is a reference.
A variable's default is a secret when the variable's name marks one or it is ``sensitive``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from secretscan.model import Storage
from secretscan.sources.kv import Place, assignment
from secretscan.sources.names import is_secret_name
from secretscan.sources.parser_paths import is_terraform_path
from secretscan.sources.structured import Parsed, Value
from secretscan.sources.textpos import Text
from secretscan.sources.yamlpos import YamlError, dotted, load_documents, walk_named

MAX_PARSE_BYTES = 2 << 20
STATE_NOTE = "Terraform also writes it to the state file"
_IDENT = re.compile(r"[A-Za-z_][\w-]*")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_]\w*)[ \t]*\r?\n")


@dataclass
class Attribute:
    name: str
    start: int  # characters of a literal string value (inside quotes); -1 for an expression
    end: int
    raw: str  # the expression as written (for ``sensitive = true``)


@dataclass
class Block:
    kind: str
    labels: list[str]
    attributes: list[Attribute] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)


class TerraformParser:
    name = "terraform"

    def claims(self, path: str) -> bool:
        return is_terraform_path(path)

    def variant(self, path: str) -> str:
        base = PurePosixPath(path).name.lower()
        return next(s for s in (".tfvars.json", ".tf.json", ".tfvars", ".tf", "") if base.endswith(s))

    def parse(self, data: bytes, path: str) -> Parsed:
        if len(data) > MAX_PARSE_BYTES:
            return Parsed(notes=("too large to parse: scanned as plain text",), default_storage=Storage.TERRAFORM)
        text = Text(data)
        base = PurePosixPath(path).name.lower()
        if base.endswith(".json"):
            return _json_values(text, tfvars=base.endswith(".tfvars.json"))
        root = Reader(text.text).read()
        values = tfvars_values(text, root) if base.endswith(".tfvars") else tf_values(text, root, ())
        return Parsed(values=tuple(values), default_storage=Storage.TERRAFORM)


def _json_values(text: Text, tfvars: bool) -> Parsed:
    try:
        documents = load_documents(text.clean())
    except YamlError as exc:
        return Parsed(notes=(f"not valid JSON ({exc}): scanned as plain text",), default_storage=Storage.TERRAFORM)
    out: list[Value] = []
    for document in documents:
        for path, node, name in walk_named(document):
            where = ("var." if tfvars else "") + dotted(path)
            place = Place(Storage.TERRAFORM, where, dotted(path), STATE_NOTE)
            out += assignment(
                text, node.start, node.end, name, place, logical=node.value, named=None if name else False
            )
    return Parsed(values=tuple(out), default_storage=Storage.TERRAFORM)


def tfvars_values(text: Text, root: Block) -> list[Value]:
    out: list[Value] = []
    for attr in root.attributes:
        out += _literal(text, attr, attr.name.rsplit(".", 1)[-1], f"var.{attr.name}")
    for child in root.children:  # object values: ``db = { password = "..." }``
        out += _object(text, child, f"var.{child.kind}")
    return out


def _object(text: Text, block: Block, where: str) -> list[Value]:
    out: list[Value] = []
    for attr in block.attributes:
        out += _literal(text, attr, attr.name, f"{where}.{attr.name}")
    for child in block.children:
        out += _object(text, child, f"{where}.{child.kind}")
    return out


def tf_values(text: Text, block: Block, path: tuple[str, ...]) -> list[Value]:
    out: list[Value] = []
    if block.kind == "variable" and block.labels:
        name = block.labels[0]
        sensitive = any(a.name == "sensitive" and a.raw.strip() == "true" for a in block.attributes)
        for attr in block.attributes:
            if attr.name == "default":
                named = sensitive or is_secret_name(name)
                out += _literal(text, attr, name, f"variable.{name}.default", named=named)
        for child in block.children:
            if child.kind == "default":
                out += _object(text, child, f"variable.{name}.default")
        return out
    for attr in block.attributes:
        out += _literal(text, attr, attr.name, ".".join((*path, attr.name)))
    for child in block.children:
        out += tf_values(text, child, (*path, child.kind, *child.labels))
    return out


def _literal(text: Text, attr: Attribute, key: str, where: str, named: bool | None = None) -> list[Value]:
    if attr.start < 0:
        return []
    place = Place(Storage.TERRAFORM, where, where, STATE_NOTE)
    return assignment(text, attr.start, attr.end, key, place, named=named)


class Reader:
    """Reads blocks and attributes; anything it does not understand is skipped, never fatal."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0

    def read(self) -> Block:
        root = Block("", [])
        self._body(root, closing=False)
        return root

    def _body(self, block: Block, closing: bool) -> None:
        s = self.s
        while True:
            self._space(newlines=True)
            if self.i >= len(s):
                return
            c = s[self.i]
            if c == "}":
                self.i += 1
                if closing:
                    return
                continue
            if c == ",":
                self.i += 1
                continue
            name = self._name()
            if name is None:
                self._skip_line()
                continue
            self._space()
            if self.i < len(s) and s[self.i] in "=:" and s[self.i : self.i + 2] != "==":
                self.i += 1
                self._attribute(block, name)
                continue
            labels = self._labels()
            if self.i < len(s) and s[self.i] == "{":
                self.i += 1
                child = Block(name, labels)
                block.children.append(child)
                self._body(child, closing=True)
                continue
            self._skip_line()

    def _name(self) -> str | None:
        s = self.s
        if s[self.i] == '"':
            end = s.find('"', self.i + 1)
            if end < 0 or "\n" in s[self.i : end]:
                return None
            name = s[self.i + 1 : end]
            self.i = end + 1
            return name
        m = _IDENT.match(s, self.i)
        if m is None:
            return None
        self.i = m.end()
        return m.group(0)

    def _labels(self) -> list[str]:
        labels: list[str] = []
        while self.i < len(self.s) and self.s[self.i] != "{":
            if self.s[self.i] == '"':
                end = self.s.find('"', self.i + 1)
                if end < 0:
                    return labels
                labels.append(self.s[self.i + 1 : end])
                self.i = end + 1
            else:
                m = _IDENT.match(self.s, self.i)
                if m is None:
                    return labels
                labels.append(m.group(0))
                self.i = m.end()
            self._space()
        return labels

    def _attribute(self, block: Block, name: str) -> None:
        self._space()
        s = self.s
        if self.i >= len(s):
            return
        c = s[self.i]
        if c == '"':
            start = self.i + 1
            end, templated = self._string(start)
            self.i = end + 1
            literal = not templated and self._ends_expression()
            block.attributes.append(
                Attribute(name, start if literal else -1, end if literal else -1, s[start - 1 : end + 1])
            )
            return
        heredoc = _HEREDOC.match(s, self.i)
        if heredoc:
            self._heredoc(block, name, heredoc)
            return
        if c == "{":
            self.i += 1
            child = Block(name, [])
            block.children.append(child)
            self._body(child, closing=True)
            return
        start = self.i
        self._expression()
        block.attributes.append(Attribute(name, -1, -1, s[start : self.i]))

    def _heredoc(self, block: Block, name: str, m: re.Match[str]) -> None:
        body_start = m.end()
        word = m.group(2)
        pattern = re.compile(r"^[ \t]*" + re.escape(word) + r"[ \t]*\r?$", re.M)
        close = pattern.search(self.s, body_start)
        body_end = close.start() if close else len(self.s)
        self.i = close.end() if close else len(self.s)
        body = self.s[body_start:body_end].rstrip("\r\n")
        literal = "${" not in body and "%{" not in body
        end = body_start + len(body)
        block.attributes.append(Attribute(name, body_start if literal else -1, end if literal else -1, body))

    def _string(self, i: int) -> tuple[int, bool]:
        """End (index of the closing quote) of a string starting at ``i``, and whether it holds
        an interpolation or directive."""
        s = self.s
        templated = False
        while i < len(s):
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c == '"' or c == "\n":
                return i, templated
            if c in "$%" and s[i + 1 : i + 2] == "{":
                templated = True
                i = self._braces(i + 1)
                continue
            i += 1
        return len(s), templated

    def _braces(self, i: int) -> int:
        """Index after the ``}`` matching the ``{`` at ``i`` (strings inside skipped)."""
        depth = 0
        s = self.s
        while i < len(s):
            c = s[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
            elif c == '"':
                i, _ = self._string(i + 1)
            elif c == "\n" and depth > 8:
                return i
            i += 1
        return len(s)

    def _ends_expression(self) -> bool:
        """A string is a literal value only if nothing follows it on the line (no ``"a" + x``)."""
        rest = re.match(r"[ \t]*(?:(?:#|//)[^\n]*)?(?:,|\r?\n|$|\})", self.s[self.i :])
        return rest is not None

    def _expression(self) -> None:
        s = self.s
        depth = 0
        while self.i < len(s):
            c = s[self.i]
            if c == '"':
                self.i, _ = self._string(self.i + 1)
            elif c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif c == "\n" and depth == 0:
                return
            elif c == "," and depth == 0:
                return
            self.i += 1

    def _space(self, newlines: bool = False) -> None:
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c in " \t\r" or newlines and c == "\n":
                self.i += 1
            elif c == "#" or s.startswith("//", self.i):
                self._skip_line()
            elif s.startswith("/*", self.i):
                end = s.find("*/", self.i + 2)
                self.i = len(s) if end < 0 else end + 2
            else:
                return

    def _skip_line(self) -> None:
        end = self.s.find("\n", self.i)
        self.i = len(self.s) if end < 0 else end + 1
