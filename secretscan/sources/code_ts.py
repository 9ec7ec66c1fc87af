"""Tree-sitter side of the source-code walker: finds string literals bound to names.

Imported only when a source file is actually parsed (``secretscan.sources.code`` imports it
lazily), so a scan of a few config files never loads tree-sitter or its grammars.
This module knows syntax only; deciding which names and values mark a secret is ``code.py``'s.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from tree_sitter import Node, Parser, Query, QueryCursor, Tree
from tree_sitter_language_pack import get_language

from secretscan.sources.code_lang import STRING_FENCES, STRING_PARTS, Lang

_LISTS = frozenset({"pattern_list", "tuple_pattern", "expression_list", "tuple"})
_PAIRS = frozenset({"pair", "keyed_element", "array_element_initializer", "infix_expression"})
_KWARGS = frozenset(
    {"keyword_argument", "value_argument", "argument", "attribute_argument", "element_value_pair", "jsx_attribute"}
)
_SUBSCRIPTS = frozenset(
    {
        "subscript",
        "subscript_expression",
        "element_reference",
        "element_access_expression",
        "element_binding_expression",
        "array_access",
        "index_expression",
        "indexing_suffix",
    }
)
_CALLS = frozenset(
    {
        "call",
        "call_expression",
        "method_invocation",
        "invocation_expression",
        "function_call_expression",
        "member_call_expression",
        "scoped_call_expression",
        "object_creation_expression",
        "new_expression",
    }
)
_ARG_LISTS = frozenset({"argument_list", "arguments", "call_suffix", "value_arguments"})
# Calls that turn a literal into bytes or chars without changing the secret.
_CONVERSIONS = frozenset({"encode", "getBytes", "toCharArray", "toByteArray", "toByteString", "b", "freeze"})
_CONVERTERS = frozenset({"[]byte", "[]rune", "string", "bytes", "SecretStr", "SecretBytes", "Secret", "String"})
_NAME_TYPES = frozenset(
    {
        "identifier",
        "type_identifier",
        "simple_identifier",
        "constant",
        "name",
        "property_identifier",
        "field_identifier",
    }
)
_SIGILS = "@$:&*#"
_SPACE = re.compile(r"\s+")
TARGET_MAX = 80
TIME_BUDGET = 3.0  # seconds to parse and query one file
SCOPE_DEPTH = 200  # enclosing nodes looked at for a locator


@dataclass(frozen=True, slots=True)
class Literal:
    """A string literal's content: byte span without quotes, and its text; ``joined`` when it
    is made of several literals (``"a" + "b"``), whose span then covers the operators too."""

    start: int
    end: int
    text: bytes
    joined: bool = False


@dataclass(frozen=True, slots=True)
class Found:
    """A literal bound to a name, before any judgement about the name or the value."""

    kind: str  # assign | kwarg | pair | call | kv
    name: str  # the name the secret-name test sees: last segment or key text
    locator: str  # "<scope> <target>" without the language prefix
    literal: Literal


@dataclass(frozen=True, slots=True)
class Extracted:
    found: tuple[Found, ...]
    syntax_errors: bool
    timed_out: bool = False


@cache
def _parser(grammar: str) -> Parser:
    return Parser(get_language(grammar))  # type: ignore[arg-type]


_QUERIES: dict[str, Query] = {}


def _query(lang: Lang) -> Query:
    query = _QUERIES.get(lang.name)
    if query is None:
        alternatives = " ".join(f"({t})" for t in sorted(lang.value_types))
        text = lang.query.replace("(_) @value", f"[{alternatives}] @value")
        query = _QUERIES[lang.name] = Query(get_language(lang.grammar), text)  # type: ignore[arg-type]
    return query


Wanted = Callable[[str, str], bool]
"""``wanted(kind, name)``: whether a binding of this kind under this name is worth reading
(asked before the value and the locator are worked out, which is the costly part)."""


def extract(
    lang: Lang,
    data: bytes,
    wanted: Wanted,
    hints: Sequence[tuple[int, int]] | None = None,
    budget: float | None = None,
) -> Extracted:
    """Literals bound to names in ``data``. ``hints``: byte spans of secret-like words; a
    binding is only looked for where its name can contain one (the query runs on windows
    around them instead of the whole tree). Parsing and querying together get ``budget``
    seconds: hostile input (a million unclosed brackets) makes both superlinear."""
    budget = TIME_BUDGET if budget is None else budget
    deadline = time.monotonic() + budget
    tree = _parse(lang, data, budget)
    if tree is None:
        return Extracted((), False, timed_out=True)
    root = tree.root_node
    found: dict[Found, None] = {}  # one literal may be seen by several patterns: keep each reading
    cursor = QueryCursor(_query(lang))
    for start, end in _windows(hints) if hints is not None else [(0, len(data))]:
        cursor.set_byte_range(start, end)
        _set_timeout(cursor, deadline - time.monotonic())
        for number, (_, caps) in enumerate(cursor.matches(root)):
            if number % 256 == 255 and time.monotonic() > deadline:
                break
            for item in _from_match(lang, {k: v[0] for k, v in caps.items()}, wanted):
                found[item] = None
        if time.monotonic() > deadline:
            return Extracted(_ordered(found), root.has_error, timed_out=True)
    return Extracted(_ordered(found), root.has_error)


def _parse(lang: Lang, data: bytes, budget: float) -> Tree | None:
    """The syntax tree, or None when parsing takes longer than ``budget`` seconds."""
    parser = _parser(lang.grammar)
    _set_timeout(parser, budget)
    try:
        return parser.parse(data)
    except ValueError:  # "Parsing failed": the timeout expired
        parser.reset()
        return None


def _set_timeout(target: Parser | QueryCursor, seconds: float) -> None:
    """The deprecated ``timeout_micros``: its replacement, a progress callback, is ignored by
    ``Parser.parse`` on bytes and crashes the process in py-tree-sitter 0.25.2 (with a read
    callback, and in ``QueryCursor.matches`` on deeply nested trees)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        target.timeout_micros = max(1, int(seconds * 1_000_000))  # type: ignore[misc]  # stubs: read-only


def _ordered(found: dict[Found, None]) -> tuple[Found, ...]:
    return tuple(sorted(found, key=lambda f: (f.literal.start, f.literal.end)))


WINDOW_GAP = 4096


def _windows(hints: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge hint spans closer than WINDOW_GAP: fewer, larger query windows."""
    windows: list[tuple[int, int]] = []
    for start, end in sorted(hints):
        if windows and start - windows[-1][1] < WINDOW_GAP:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _from_match(lang: Lang, caps: dict[str, Node], wanted: Wanted) -> Iterator[Found]:
    if "multi" in caps and "name" not in caps:
        yield from _from_spec(lang, caps["multi"], wanted)
    elif "call" in caps:
        found = _from_call(lang, caps, wanted)
        if found is not None:
            yield found
    elif "name" in caps and "value" in caps:
        yield from _from_binding(lang, caps["name"], caps["value"], wanted)


def _from_binding(lang: Lang, name: Node, value: Node, wanted: Wanted) -> Iterator[Found]:
    if name.type in _LISTS or value.type in _LISTS:
        names = name.named_children if name.type in _LISTS else [name]
        values = value.named_children if value.type in _LISTS else [value]
        if len(names) == len(values):
            for n, v in zip(names, values):
                if n.type not in _LISTS:
                    yield from _from_binding(lang, n, v, wanted)
        return
    binding = name.parent
    kind = _kind(binding)
    key = last_segment(lang, name)
    if not key or not wanted(kind, key):
        return
    lit = literal(lang, value)
    if lit is None:
        return
    target = _pair_path(lang, binding, key) if kind == "pair" else _text(name)
    if kind == "kwarg" and binding is not None:
        target = f"{_enclosing_call(binding)}({_text(name)}=)"
    yield Found(kind, key, _locate(lang, value, target), lit)


def _from_spec(lang: Lang, spec: Node, wanted: Wanted) -> Iterator[Found]:
    """Go's ``var a, b = "x", "y"`` / ``const k = "v"``: repeated name fields, one value list."""
    names = spec.children_by_field_name("name")
    value = spec.child_by_field_name("value")
    if value is None:
        return
    values = value.named_children
    if len(names) == len(values):
        for n, v in zip(names, values):
            yield from _from_binding(lang, n, v, wanted)


def _from_call(lang: Lang, caps: dict[str, Node], wanted: Wanted) -> Found | None:
    method, value, args = caps.get("method"), caps["value"], caps.get("args")
    if method is None or args is None:
        return None
    if "key" in caps:
        key_lit = literal(lang, caps["key"])
        if key_lit is None:
            return None
        kind, key = "kv", f"{_text(method)} {key_lit.text.decode('utf-8', 'replace')}"
    else:
        kind, key = "call", _text(method)
    if not wanted(kind, key):
        return None
    lit = literal(lang, value)
    if lit is None:
        return None
    callee = _collapse(_slice(caps["call"], caps["call"].start_byte, args.start_byte))
    target = f'{callee}("{key.partition(" ")[2]}")' if kind == "kv" else f"{callee}()"
    return Found(kind, key, _locate(lang, value, target), lit)


def literal(lang: Lang, node: Node) -> Literal | None:
    """The string a value node stands for, if it is made of literals only."""
    node = _unwrap(lang, node)
    if node.type in lang.strings:
        return _string(node)
    if node.type in lang.concat:
        return _joined(lang, node)
    if node.type in _CALLS:
        return _converted(lang, node)
    return None


def _unwrap(lang: Lang, node: Node) -> Node:
    for _ in range(8):
        if node.type not in lang.wrappers or node.named_child_count == 0:
            return node
        if node.type in _LISTS and node.named_child_count != 1:
            return node
        operand = node.child_by_field_name("operand")  # Go's []byte("x")
        if operand is not None:
            node = operand
        else:
            node = node.named_children[-1] if node.type == "argument" else node.named_children[0]
    return node


def _string(node: Node) -> Literal | None:
    if any(c.type not in STRING_PARTS for c in node.named_children):
        return None  # interpolation: f"{x}", `${x}`, "#{x}", "$x"
    span = _content_span(node)
    if span is None:
        return None
    start, end = span
    text = node.text or b""
    return Literal(start, end, text[start - node.start_byte : end - node.start_byte])


def _content_span(node: Node) -> tuple[int, int] | None:
    kids = node.children
    if len(kids) >= 2 and _is_fence(kids[0]) and _is_fence(kids[-1]):
        return kids[0].end_byte, kids[-1].start_byte
    text = node.text or b""
    match = re.match(rb'[A-Za-z@$]*("""|\'\'\'|"|\'|`)', text)
    if match is None:
        return None
    fence = match.group(1)
    if len(text) < match.end() + len(fence) or not text.endswith(fence):
        return None
    return node.start_byte + match.end(), node.end_byte - len(fence)


def _is_fence(node: Node) -> bool:
    return not node.is_named or node.type in STRING_FENCES


def _joined(lang: Lang, node: Node) -> Literal | None:
    """``"a" "b"`` / ``"a" + "b"`` / PHP ``'a' . 'b'``: every operand must be a literal."""
    operators = [c.type for c in node.children if not c.is_named]
    if any(op not in ("+", ".") for op in operators):
        return None
    parts = [literal(lang, c) for c in node.named_children]
    if not parts or any(p is None for p in parts):
        return None
    pieces = [p for p in parts if p is not None]
    text = b"".join(p.text for p in pieces)
    return Literal(pieces[0].start, pieces[-1].end, text, joined=len(pieces) > 1)


def _converted(lang: Lang, call: Node) -> Literal | None:
    """``"x".encode()``, ``"x".toCharArray()``, ``[]byte("x")``, ``SecretStr("x")``."""
    args = next((c for c in call.children if c.type in _ARG_LISTS), None)
    head = _slice(call, call.start_byte, args.start_byte if args is not None else call.end_byte)
    arg_nodes = _arguments(args)
    if not arg_nodes and args is not None:
        method = head.rpartition(".")[2].strip()
        return _receiver_literal(lang, call) if method in _CONVERSIONS else None
    if len(arg_nodes) == 1 and head.replace("new ", "").strip() in _CONVERTERS:
        return literal(lang, arg_nodes[0])
    return None


def _receiver_literal(lang: Lang, call: Node) -> Literal | None:
    node = call.named_children[0] if call.named_child_count else None
    for _ in range(3):
        if node is None:
            return None
        inner = _unwrap(lang, node)
        if inner.type in lang.strings:
            return _string(inner)
        node = inner.named_children[0] if inner.named_child_count else None
    return None


def _arguments(args: Node | None) -> list[Node]:
    if args is None:
        return []
    if args.type == "call_suffix":
        inner = next((c for c in args.named_children if c.type == "value_arguments"), None)
        return inner.named_children if inner is not None else []
    return [c for c in args.named_children if c.type != "comment"]


def last_segment(lang: Lang, node: Node) -> str:
    """The name a binding is about: ``password`` in ``self.password``, ``cfg["password"]``,
    ``$this->password``, ``@password``, ``:password``; '' when it is computed (``d[k]``)."""
    for _ in range(8):
        if node.type in lang.strings:
            lit = _string(node)
            return lit.text.decode("utf-8", "replace") if lit is not None else ""
        if node.type in _SUBSCRIPTS:
            index = node.named_children[-1] if node.named_child_count else None
            if index is None:
                return ""
            inner = _unwrap(lang, _strip_brackets(index))
            if inner.type not in lang.strings:
                return ""
            node = inner
            continue
        if node.named_child_count == 0:
            return _text(node).strip(_SIGILS)
        node = node.named_children[-1]
    return ""


def _strip_brackets(node: Node) -> Node:
    while node.type in ("bracketed_argument_list", "argument", "value_arguments", "value_argument", "indexing_suffix"):
        if node.named_child_count != 1:
            return node
        node = node.named_children[0]
    return node


def _kind(binding: Node | None) -> str:
    if binding is None:
        return "assign"
    if binding.type in _PAIRS or binding.type == "initializer_expression":  # C#'s {"key", "value"}
        return "pair"
    if binding.type in _KWARGS:
        return "kwarg"
    return "assign"


def _pair_path(lang: Lang, pair: Node | None, key: str) -> str:
    """``DATABASES.default.PASSWORD``: keys of the enclosing pairs, under the name the
    literal is assigned to or the call it is passed to."""
    path = [key]
    child, node = pair, pair.parent if pair is not None else None
    for _ in range(12):
        if node is None or child is None:
            break
        if node.type in _PAIRS and node.named_child_count:
            path.append(last_segment(lang, node.named_children[0]) or "?")
        elif node.type in _CALLS and node.type not in _CONSTRUCTIONS:
            if _in_arguments(node, child):
                path.append(_callee(node) + "()")
                break
        elif node.type not in _COLLECTION_LIKE and node.type not in lang.wrappers:
            owner = _owner_name(node)
            if owner:
                path.append(owner)
            break
        child, node = node, node.parent
    return ".".join(reversed(path))


def _in_arguments(call: Node, child: Node) -> bool:
    """Whether ``child`` is (in) the call's argument list, not its receiver: ``{...}.freeze``."""
    args = next((c for c in call.children if c.type in _ARG_LISTS or c.type.endswith("argument_list")), None)
    return args is not None and args.start_byte <= child.start_byte and child.end_byte <= args.end_byte


_CONSTRUCTIONS = frozenset({"object_creation_expression", "new_expression"})
_COLLECTION_LIKE = _CONSTRUCTIONS | frozenset(
    {
        "dictionary",
        "object",
        "hash",
        "array",
        "list",
        "array_creation_expression",
        "literal_value",
        "composite_literal",
        "literal_element",
        "initializer_expression",
        "argument_list",
        "arguments",
        "argument",
        "value_argument",
        "value_arguments",
        "call_suffix",
        "expression_list",
        "collection_literal",
    }
)


def _owner_name(node: Node) -> str:
    """The name a binding node assigns to, for locators."""
    for field in ("left", "name", "key", "pattern"):
        child = node.child_by_field_name(field)
        if child is not None:
            return _text(child)
    for child in node.named_children:
        if child.type in ("variable_declaration", "directly_assignable_expression", "variable_declarator"):
            return _owner_name(child) or _text(child)
    return ""


def _enclosing_call(node: Node) -> str:
    for _ in range(4):
        parent = node.parent
        if parent is None:
            break
        if parent.type in _CALLS or parent.type in ("attribute", "annotation"):
            return _callee(parent)
        if parent.type in ("jsx_opening_element", "jsx_self_closing_element"):
            name = parent.child_by_field_name("name")
            return _text(name) if name is not None else ""
        node = parent
    return ""


def _callee(call: Node) -> str:
    args = next((c for c in call.children if c.type in _ARG_LISTS or c.type.endswith("argument_list")), None)
    if args is not None:
        return _collapse(_slice(call, call.start_byte, args.start_byte))
    for field in ("type", "constructor", "function", "name"):
        child = call.child_by_field_name(field)
        if child is not None:
            return _text(child)
    return _collapse(_slice(call, call.start_byte, min(call.end_byte, call.start_byte + TARGET_MAX)))


def _locate(lang: Lang, node: Node, target: str) -> str:
    """``Settings.connect() password``: enclosing classes and functions, then the target."""
    scopes: list[tuple[str, str]] = []
    parent = node.parent
    for _ in range(SCOPE_DEPTH):
        if parent is None:
            break
        kind = lang.scopes.get(parent.type)
        name = _scope_name(parent) if kind is not None else ""
        if kind is not None and name:  # anonymous classes and functions add nothing
            scopes.append((kind, name))
        parent = parent.parent
    if not scopes:
        return target
    scopes.reverse()
    prefix = ".".join(name + "()" if kind == "func" else name for kind, name in scopes)
    return f"{prefix}{' ' if scopes[-1][0] == 'func' else '.'}{target}"


def _scope_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    if name is None:
        name = next((c for c in node.named_children if c.type in _NAME_TYPES), None)
    return _text(name) if name is not None else ""


def _text(node: Node) -> str:
    return _collapse((node.text or b"").decode("utf-8", "replace"))


def _slice(node: Node, start: int, end: int) -> str:
    text = node.text or b""
    return text[start - node.start_byte : end - node.start_byte].decode("utf-8", "replace")


def _collapse(text: str) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= TARGET_MAX else text[: TARGET_MAX - 1] + "…"
