"""A YAML (and JSON) reader that keeps the exact position of every scalar.

Built on PyYAML's event parser (libyaml when available), not on its composer: libyaml's
composer recurses in C and crashes the interpreter on deeply nested input, while the event
stream is flat. Nodes are built here with an explicit stack; aliases point at the anchored
node (shared, never copied, so "billion laughs" documents stay small), and walkers must not
re-enter a node they have seen (``walk`` takes care of that).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

MAX_DEPTH = 64  # deeper structure is still scanned as text, just not walked
_PLAIN_KEY = re.compile(r"[\w-]+")
MAX_NESTING = 256  # deeper input is not parsed at all (the file is scanned as text)


class YamlError(Exception):
    """Not YAML (or JSON) this reader can parse; the message is one line."""


class Scalar:
    """A scalar with its logical value, its style ('' plain, '"', "'", '|', '>'), its tag, and
    where it is written: ``start``/``end``, character offsets of the value as written (inside
    quotes; block: from the indicator), and ``line``, the 1-based line of ``start``. Positions
    are worked out on first use: most scalars of a file are never located (a generic file's
    values under names that mark no secret, when there is no match to locate)."""

    __slots__ = ("_mark_line", "_marked", "_source", "_span", "_stop", "style", "tag", "value")

    def __init__(self, value: str, style: str, tag: str | None, source: str, marked: int, stop: int, mark_line: int) -> None:
        self.value, self.style, self.tag = value, style, tag
        self._source, self._marked, self._stop, self._mark_line = source, marked, stop, mark_line
        self._span: tuple[int, int, int] | None = None

    @property
    def start(self) -> int:
        return (self._span or self._locate())[0]

    @property
    def end(self) -> int:
        return (self._span or self._locate())[1]

    @property
    def line(self) -> int:
        return (self._span or self._locate())[2]

    @property
    def block(self) -> bool:
        return self.style in ("|", ">")

    def _locate(self) -> tuple[int, int, int]:
        source, marked, end = self._source, self._marked, self._stop
        start = _skip_properties(source, marked, end)
        if self.style in ('"', "'") and end - start >= 2:
            start, end = start + 1, end - 1
        elif self.style in ("|", ">"):
            while end > start and source[end - 1] in " \t\r\n":
                end -= 1
        line = self._mark_line + source.count("\n", marked, start)
        self._span = (start, end, line)
        return self._span


@dataclass(eq=False, slots=True)
class Mapping:
    start: int
    line: int
    pairs: list[tuple[Node, Node]] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Sequence:
    start: int
    line: int
    items: list[Node] = field(default_factory=list)


Node = Scalar | Mapping | Sequence
PathPart = str | int


def _yaml() -> Any:
    """PyYAML, imported on first use: a scan that meets no YAML or JSON never loads it."""
    import yaml

    return yaml


def _loader() -> Any:
    yaml = _yaml()
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_documents(source: str) -> list[Node | None]:
    """Every document of a YAML stream (a JSON file is one document). ``source`` is
    ``Text.clean()`` (or a same-length rewrite of it): offsets are characters of it."""
    yaml = _yaml()
    builder = _Builder(source)
    try:
        for event in yaml.parse(source, Loader=_loader()):
            builder.feed(event)
    except yaml.YAMLError as exc:
        raise _error(exc) from None
    except (ValueError, TypeError, MemoryError) as exc:  # hostile bytes: never a crash
        raise YamlError(type(exc).__name__) from None
    return builder.documents


def load_json(source: str) -> list[Node | None] | None:
    """What ``load_documents`` gives for a plain JSON text, read by the json module (C speed,
    no Python object per event), or None when the text is not plain JSON (the caller reads it
    as YAML then: comments, tabs in odd places, YAML in a .json file, nesting deeper than
    MAX_NESTING). Scalars are what PyYAML makes of JSON: strings double-quoted, numbers,
    ``true``/``false``/``null`` plain, as written. A scalar's position is found on first use by
    one pass over the text's scalar tokens, which come in the order the nodes were built;
    mappings and sequences carry no position (start -1, line 0): no reader of a JSON file asks
    for one."""
    try:
        raw = json.loads(source, object_pairs_hook=_JsonObject, parse_float=_JsonNumber,
                         parse_int=_JsonNumber, parse_constant=_JsonNumber)
    except (ValueError, RecursionError):
        return None
    try:
        return [_JsonBuilder(source).node(raw, 0)]
    except _TooDeep:
        return None


class _JsonObject(list):  # type: ignore[type-arg]
    """A JSON object's (key, value) pairs, in order, duplicates kept."""


class _JsonNumber(str):
    """A JSON number (or NaN/Infinity) as written."""


class _TooDeep(Exception):
    pass


_JSON_LITERALS: dict[object, str] = {True: "true", False: "false", None: "null"}
# A scalar token of text json.loads has read: a string, or a number/true/false/null/NaN/Infinity
# (nothing else but brackets, commas, colons and white space lies outside strings in valid JSON).
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[-\dNIftn][\w.+-]*')


class _JsonBuilder:
    """Nodes from the json module's values, scalars numbered in the order they are written
    (a key before its value): the order of the text's scalar tokens."""

    def __init__(self, source: str) -> None:
        self.tokens = _JsonTokens(source)
        self.ordinal = itertools.count()

    def node(self, value: object, depth: int) -> Node:
        kind = type(value)
        if kind is not _JsonObject and kind is not list:
            return self.scalar(value)
        if depth >= MAX_NESTING:
            raise _TooDeep
        if kind is _JsonObject:
            mapping = Mapping(-1, 0)
            for key, item in value:  # type: ignore[attr-defined]
                name = _JsonString(key, self.tokens, next(self.ordinal))  # a key is numbered before its value
                mapping.pairs.append((name, self.node(item, depth + 1)))
            return mapping
        sequence = Sequence(-1, 0)
        sequence.items = [self.node(item, depth + 1) for item in value]  # type: ignore[attr-defined]
        return sequence

    def scalar(self, value: object) -> Scalar:
        kind = type(value)
        if kind is str:
            return _JsonString(value, self.tokens, next(self.ordinal))  # type: ignore[arg-type]
        text = str(value) if kind is _JsonNumber else _JSON_LITERALS[value]
        return _JsonPlain(text, self.tokens, next(self.ordinal))


class _JsonTokens:
    """The spans of a JSON text's scalar tokens, in order: found on first use, each line worked
    out when asked (counting on from the last one asked: scalars are asked for in text order)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens: list[tuple[int, int]] | None = None
        self.located: dict[int, tuple[int, int, int]] = {}
        self._at, self._line = 0, 1

    def span(self, ordinal: int) -> tuple[int, int, int]:
        found = self.located.get(ordinal)
        if found is not None:
            return found
        if self.tokens is None:
            self.tokens = [m.span() for m in _JSON_TOKEN.finditer(self.source)]
        start, end = self.tokens[ordinal]
        if self.source[start] == '"':
            start, end = start + 1, end - 1
        found = self.located[ordinal] = (start, end, self._line_of(start))
        return found

    def _line_of(self, index: int) -> int:
        if index < self._at:
            self._at, self._line = 0, 1
        self._line += self.source.count("\n", self._at, index)
        self._at = index
        return self._line


class _JsonString(Scalar):
    """A JSON string: a double-quoted scalar with no tag, located through the text's tokens
    (class attributes stand for the fields every JSON scalar shares, to keep building cheap)."""

    __slots__ = ("_ordinal", "_tokens")
    style = '"'
    tag = None

    def __init__(self, value: str, tokens: _JsonTokens, ordinal: int) -> None:
        self.value, self._tokens, self._ordinal = value, tokens, ordinal

    @property
    def start(self) -> int:
        return self._tokens.span(self._ordinal)[0]

    @property
    def end(self) -> int:
        return self._tokens.span(self._ordinal)[1]

    @property
    def line(self) -> int:
        return self._tokens.span(self._ordinal)[2]


class _JsonPlain(_JsonString):
    """A JSON number, ``true``, ``false`` or ``null``, as written: a plain scalar."""

    __slots__ = ()
    style = ""


def check_documents(source: str) -> None:
    """Raise the YamlError ``load_documents(source)`` would raise, without building nodes:
    what a caller needs that only wants the parse's verdict (its note), at a fraction of
    the cost. Input that cannot nest deeper than MAX_NESTING and holds no alias is checked by
    libyaml alone (``raw_parse``, no Python object per event); any other input goes through
    the same event stream as ``load_documents``, with its depth and alias checks."""
    yaml, loader = _yaml(), _loader()
    if _shallow_without_aliases(source) and hasattr(loader, "raw_parse"):
        try:
            loader(source).raw_parse()
        except yaml.YAMLError as exc:
            raise _error(exc) from None
        except (ValueError, TypeError, MemoryError) as exc:
            raise YamlError(type(exc).__name__) from None
        return
    checker = _Checker()
    try:
        for event in yaml.parse(source, Loader=loader):
            checker.feed(event)
    except yaml.YAMLError as exc:
        raise _error(exc) from None
    except (ValueError, TypeError, MemoryError) as exc:
        raise YamlError(type(exc).__name__) from None


def _error(exc: yaml.YAMLError) -> YamlError:
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or type(exc).__name__
    return YamlError(f"{problem}{where}")


_FLOW_OPENERS = 64  # each "[" or "{" nests at most two levels ("[a: b]" is a sequence of mappings)
_DEEP_LINE = re.compile(r"^[ \t?:\-]{60}", re.M)  # block nesting needs indentation or compact "- - -"


def _shallow_without_aliases(source: str) -> bool:
    """Whether nesting stays under MAX_NESTING whatever the content (under 128 levels of flow
    collections, under 122 of block ones) and no alias can be unknown."""
    if "*" in source or source.count("[") + source.count("{") >= _FLOW_OPENERS:
        return False
    return _DEEP_LINE.search(source) is None


class _Checker:
    """The structural checks of ``_Builder`` (nesting depth, known aliases), without nodes."""

    def __init__(self) -> None:
        self.depth = 0
        self.anchors: set[str] = set()
        self.yaml = _yaml()

    def feed(self, event: yaml.Event) -> None:
        kind, yaml = type(event), self.yaml
        if kind is yaml.ScalarEvent:
            if event.anchor:
                self.anchors.add(event.anchor)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if self.depth >= MAX_NESTING:
                raise YamlError(f"nested deeper than {MAX_NESTING} levels (line {_where(event.start_mark)[1]})")
            if event.anchor:
                self.anchors.add(event.anchor)
            self.depth += 1
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.depth -= 1
        elif kind is yaml.AliasEvent:
            if (event.anchor or "") not in self.anchors:
                raise YamlError(f"unknown alias *{event.anchor} (line {_where(event.start_mark)[1]})")
        elif kind is yaml.DocumentStartEvent:
            self.anchors = set()


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.documents: list[Node | None] = []
        self.stack: list[Mapping | Sequence] = []
        self.pending_key: list[Node | None] = []
        self.anchors: dict[str, Node] = {}
        self.root: Node | None = None
        self.yaml = _yaml()

    def feed(self, event: yaml.Event) -> None:
        yaml = self.yaml
        if isinstance(event, yaml.ScalarEvent):  # the most common event first
            self._add(self._scalar(event), event.anchor)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.root, self.anchors = None, {}
        elif isinstance(event, yaml.DocumentEndEvent):
            self.documents.append(self.root)
        elif isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor or "")
            if target is None:
                raise YamlError(f"unknown alias *{event.anchor} (line {_where(event.start_mark)[1]})")
            self._add(target, None)
        elif isinstance(event, yaml.MappingStartEvent):
            self._open(Mapping(*_where(event.start_mark)), event.anchor)
        elif isinstance(event, yaml.SequenceStartEvent):
            self._open(Sequence(*_where(event.start_mark)), event.anchor)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()
            self.pending_key.pop()

    def _open(self, node: Mapping | Sequence, anchor: str | None) -> None:
        if len(self.stack) >= MAX_NESTING:  # libyaml slows down with the square of the depth
            raise YamlError(f"nested deeper than {MAX_NESTING} levels (line {node.line})")
        self._add(node, anchor)
        self.stack.append(node)
        self.pending_key.append(None)

    def _add(self, node: Node, anchor: str | None) -> None:
        if anchor:
            self.anchors[anchor] = node
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if isinstance(parent, Sequence):
            parent.items.append(node)
            return
        key = self.pending_key[-1]
        if key is None:
            self.pending_key[-1] = node
        else:
            parent.pairs.append((key, node))
            self.pending_key[-1] = None

    def _scalar(self, event: yaml.ScalarEvent) -> Scalar:
        first, last = event.start_mark, event.end_mark
        if first is None or last is None:
            return Scalar(event.value, event.style or "", event.tag, self.source, 0, 0, 1)
        return Scalar(event.value, event.style or "", event.tag, self.source, first.index, last.index, first.line + 1)


def _where(mark: Any) -> tuple[int, int]:
    """(character index, 1-based line) of an event mark (PyYAML's or libyaml's)."""
    return (int(mark.index), int(mark.line) + 1) if mark is not None else (0, 1)


def _skip_properties(source: str, start: int, end: int) -> int:
    """Skip an anchor (&a) and a tag (!t) written before a scalar."""
    while start < end and source[start] in "&!":
        while start < end and source[start] not in " \t\r\n":
            start += 1
        while start < end and source[start] in " \t\r\n":
            start += 1
    return start


def get(node: Node | None, key: str) -> Node | None:
    """The value of ``key`` in a mapping (the last one wins, as in most loaders)."""
    if not isinstance(node, Mapping):
        return None
    found = None
    for k, v in node.pairs:
        if isinstance(k, Scalar) and k.value == key:
            found = v
    return found


def text_of(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) else None


def get_text(node: Node | None, *keys: str) -> str | None:
    for key in keys:
        node = get(node, key)
    return text_of(node)


def pairs(node: Mapping) -> Iterator[tuple[Scalar, Node]]:
    """Key/value pairs with scalar keys, merge keys (``<<: *base``) expanded in place."""
    for k, v in node.pairs:
        if not isinstance(k, Scalar):
            continue
        if k.value == "<<" and k.tag is None:
            sources = v.items if isinstance(v, Sequence) else [v]
            for src in sources:
                if isinstance(src, Mapping) and src is not node:
                    yield from ((kk, vv) for kk, vv in src.pairs if isinstance(kk, Scalar) and kk.value != "<<")
            continue
        yield k, v


def walk(node: Node | None, path: tuple[PathPart, ...] = ()) -> Iterator[tuple[tuple[PathPart, ...], Scalar]]:
    """Every scalar value under ``node`` with its path; each node is entered once."""
    seen: set[int] = set()
    stack: list[tuple[Node, tuple[PathPart, ...]]] = [] if node is None else [(node, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, Scalar):
            yield where, current
            continue
        if id(current) in seen or len(where) > MAX_DEPTH:
            continue
        seen.add(id(current))
        if isinstance(current, Mapping):
            children: list[tuple[Node, tuple[PathPart, ...]]] = [(v, (*where, k.value)) for k, v in pairs(current)]
        else:
            children = [(item, (*where, i)) for i, item in enumerate(current.items)]
        stack.extend(reversed(children))


def json_path(path: tuple[PathPart, ...]) -> str:
    """``spec.template.spec.containers[0].env[2].value``; odd keys as ``["a.b/c"]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += '["' + part.replace('"', '\\"') + '"]'
    return out


def dotted(path: tuple[PathPart, ...]) -> str:
    """``spring.datasource.password``, ``servers[0].password`` (Spring's flattening)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_NAME_FIELDS = ("name", "key", "envName")


def walk_named(
    node: Node | None, path: tuple[PathPart, ...] = ()
) -> Iterator[tuple[tuple[PathPart, ...], Scalar, str]]:
    """Every scalar with its path and the name it is assigned to: its mapping key, or, in a
    ``{name: X, value: v}`` item (env lists and their look-alikes), ``X``. Items of a sequence
    of scalars have no name ('')."""
    seen: set[int] = set()
    stack: list[tuple[Node, tuple[PathPart, ...], str]] = [] if node is None else [(node, path, "")]
    while stack:
        current, where, name = stack.pop()
        if isinstance(current, Scalar):
            yield where, current, name
            continue
        if id(current) in seen or len(where) > MAX_DEPTH:
            continue
        seen.add(id(current))
        children: list[tuple[Node, tuple[PathPart, ...], str]] = []
        if isinstance(current, Mapping):
            entries = list(pairs(current))
            item_name = _item_name(entries)
            for k, v in entries:
                named = item_name if item_name and k.value == "value" else k.value
                children.append((v, (*where, k.value), named))
        else:
            children = [(item, (*where, i), "") for i, item in enumerate(current.items)]
        stack.extend(reversed(children))


def _item_name(entries: list[tuple[Scalar, Node]]) -> str:
    keys = {k.value: v for k, v in entries}
    if not isinstance(keys.get("value"), Scalar):
        return ""
    for field_name in _NAME_FIELDS:
        candidate = keys.get(field_name)
        if isinstance(candidate, Scalar) and candidate.value:
            return candidate.value
    return ""


def node_at(node: Node | None, *path: str) -> Node | None:
    for key in path:
        node = get(node, key)
    return node
