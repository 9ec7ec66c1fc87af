"""docker-compose files: ``environment:`` and ``build.args`` literals (map and list forms),
credentials in ``command``/``entrypoint``/``healthcheck``, and keys named like secrets
anywhere else (``x-`` extension blocks, labels)."""

from __future__ import annotations

from dataclasses import replace

from secretscan.model import Storage
from secretscan.sources.kubernetes import MAX_PARSE_BYTES, YamlContext, argument_values, command_values, generic
from secretscan.sources.kv import Place, assignment
from secretscan.sources.parser_paths import is_compose_path
from secretscan.sources.structured import Parsed, Value
from secretscan.sources.textpos import Text
from secretscan.sources.yamlpos import Mapping, Node, Scalar, Sequence, YamlError, get, json_path, load_documents, pairs

ARGS_NOTE = "build args are recorded in the image history (`docker history`)"


class ComposeParser:
    name = "compose"

    def claims(self, path: str) -> bool:
        return is_compose_path(path)

    def parse(self, data: bytes, path: str) -> Parsed:
        if len(data) > MAX_PARSE_BYTES:
            return Parsed(notes=("too large to parse: scanned as plain text",), default_storage=Storage.COMPOSE_ENV)
        text = Text(data)
        try:
            documents = load_documents(text.clean())
        except YamlError as exc:
            return Parsed(
                notes=(f"not valid YAML ({exc}): scanned as plain text",), default_storage=Storage.COMPOSE_ENV
            )
        ctx = YamlContext(text, [], None)
        values: list[Value] = []
        for document in documents:
            if document is not None:
                values += compose_values(ctx, document)
        return Parsed(values=tuple(values), default_storage=Storage.COMPOSE_ENV)


def compose_values(ctx: YamlContext, document: Node) -> list[Value]:
    out: list[Value] = []
    services = get(document, "services")
    if isinstance(services, Mapping):
        for name, service in pairs(services):
            if isinstance(service, Mapping):
                out += service_values(ctx, name.value, service)
    return out + generic(ctx, document, Storage.COMPOSE_ENV, "")


def service_values(ctx: YamlContext, service: str, spec: Mapping) -> list[Value]:
    base = ("services", service)
    out = environment(ctx, get(spec, "environment"), (*base, "environment"), f"service={service} environment", None)
    build = get(spec, "build")
    out += environment(ctx, get(build, "args"), (*base, "build", "args"), f"service={service} build.args", ARGS_NOTE)
    for field_name in ("command", "entrypoint"):
        out += command_field(ctx, get(spec, field_name), (*base, field_name), f"service={service}")
    out += command_field(
        ctx, get(get(spec, "healthcheck"), "test"), (*base, "healthcheck", "test"), f"service={service}"
    )
    return out


def environment(
    ctx: YamlContext, node: Node | None, base: tuple[str, ...], ident: str, note: str | None
) -> list[Value]:
    out: list[Value] = []
    if isinstance(node, Mapping):
        for key, value in pairs(node):
            if isinstance(value, Scalar):
                place = Place(Storage.COMPOSE_ENV, f"{ident}.{key.value}", json_path((*base, key.value)), note)
                out += ctx.assign(value, key.value, place)
    elif isinstance(node, Sequence):
        for i, item in enumerate(node.items):
            if isinstance(item, Scalar):
                out += list_entry(ctx, item, json_path((*base, i)), ident, note)
    return out


def list_entry(ctx: YamlContext, node: Scalar, path: str, ident: str, note: str | None) -> list[Value]:
    """``- KEY=value``: the value judged at its own span."""
    key, equals, value = node.value.partition("=")
    place = Place(Storage.COMPOSE_ENV, f"{ident}.{key}", path, note)
    raw = ctx.text.text[node.start : node.end]
    if not equals or raw != node.value:
        return [ctx.whole(node, place)]
    ctx.done.add(id(node))
    start = node.start + len(key) + 1
    return assignment(ctx.text, start, start + len(value), key, place)


def command_field(ctx: YamlContext, node: Node | None, base: tuple[str, ...], ident: str) -> list[Value]:
    if isinstance(node, Scalar):
        place = Place(Storage.COMPOSE_ENV, f"{ident} {base[-1]}", json_path(base))
        return command_values(ctx, node, place)
    if isinstance(node, Sequence):
        found = argument_values(ctx, node, base, ident)
        return [replace(v, storage=Storage.COMPOSE_ENV) for v in found]
    return []
