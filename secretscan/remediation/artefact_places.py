"""Where a planned secret was found, read back from the inventory's location dicts, and the
scanned files themselves when the plan knows where they are.

The Kubernetes walker writes structured locators (``Secret/prod/db key=password``,
``Deployment/prod/api container=api env=API_TOKEN``, ``ConfigMap/prod/cfg key=SMTP_PASSWORD``,
``CronJob/ops/backup container=dump command[2]``) and a ``key_path`` (the JSON path of the
scalar); this module turns them into typed places. A location it cannot read is not guessed at:
the generators then say that step is manual.

The scanned folder: the planner (or the ``plan`` command) puts it into the context's inventory
mapping under ``"root"``; paths of locations are relative to it. Without it, generators write
what needs no source text (patches, ExternalSecrets) and say which full files they could not.

Values are never read back into a record here: ``secret_span`` finds where a value starts and
ends in a line (checked against the inventory's redacted preview) so that a generator can
replace that span; the characters themselves are never returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from secretscan.remediation.model import PlanContext, PlannedSecret

ROOT_KEY = "root"
MAX_SOURCE_BYTES = 2 << 20

_LOCATOR = re.compile(r"^(?P<kind>[A-Za-z][A-Za-z0-9]*)/(?P<ns>[^/\s]+)/(?P<name>[^/\s]+) (?P<rest>.+)$")
_SECRET_KEY = re.compile(r"^key=(?P<key>\S+)(?: registry=(?P<registry>\S+) user=(?P<user>\S+))?$")
_ENV = re.compile(r"^container=(?P<container>\S+) env=(?P<env>\S+)$")
_ARG = re.compile(r"^container=(?P<container>\S+) (?P<field>command|args)\[(?P<index>\d+)\]$")
_CONFIGMAP_KEY = re.compile(r"^key=(?P<key>\S+)(?: (?P<inner>\S.*))?$")
_PATH_PART = re.compile(r'([^.\[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
_TOKEN_STOP = frozenset(" \t\r\n\"'`@,;|&<>(){}[]\\")

PathPart = str | int


@dataclass(frozen=True, slots=True)
class ObjectRef:
    kind: str
    namespace: str
    name: str

    @property
    def ident(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class SecretKeyPlace:
    """A key of a committed ``kind: Secret`` (a docker config credential names its registry)."""

    path: str
    obj: ObjectRef
    key: str
    registry: str | None = None
    user: str | None = None


@dataclass(frozen=True, slots=True)
class EnvPlace:
    """``env[i].value`` of a container: ``pointer`` leads to the env item."""

    path: str
    obj: ObjectRef
    container: str
    env: str
    pointer: tuple[PathPart, ...]


@dataclass(frozen=True, slots=True)
class ArgPlace:
    """An item of a container's ``command`` or ``args``: ``pointer`` leads to the item."""

    path: str
    obj: ObjectRef
    container: str
    pointer: tuple[PathPart, ...]
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class ConfigMapPlace:
    """A ConfigMap key; ``inner`` names a property of a file embedded in it (else empty)."""

    path: str
    obj: ObjectRef
    key: str
    inner: str
    line: int
    column: int


K8sPlace = SecretKeyPlace | EnvPlace | ArgPlace | ConfigMapPlace


def live_locations(ps: PlannedSecret) -> list[Mapping[str, Any]]:
    """Locations still in the tip of the default branch (all of them for a working-tree scan):
    only those have a consumer to switch; history-only ones are rotated and purged."""
    return [loc for loc in ps.locations if loc.get("in_tip") is not False and not loc.get("allowed")]


def parse_path(key_path: str) -> tuple[PathPart, ...] | None:
    """``spec.containers[0].env[2].value`` -> ("spec", "containers", 0, "env", 2, "value")."""
    parts: list[PathPart] = []
    pos = 0
    while pos < len(key_path):
        if key_path[pos] == "." and parts:
            pos += 1
        m = _PATH_PART.match(key_path, pos)
        if m is None:
            return None
        plain, index, quoted = m.groups()
        if index is not None:
            parts.append(int(index))
        elif quoted is not None:
            parts.append(quoted.replace('\\"', '"'))
        else:
            parts.append(plain)
        pos = m.end()
    return tuple(parts) if parts else None


def k8s_place(loc: Mapping[str, Any]) -> K8sPlace | None:
    """The typed place of a Kubernetes location, or None for any other (or unreadable) one."""
    m = _LOCATOR.match(str(loc.get("locator", "")))
    if m is None or "{{" in m.group(0):
        return None
    obj = ObjectRef(m.group("kind"), m.group("ns"), m.group("name"))
    rest, storage, path = m.group("rest"), loc.get("storage"), str(loc.get("path", ""))
    line, column = int(loc.get("line", 0)), int(loc.get("column", 0))
    if storage == "kubernetes-secret" and obj.kind == "Secret":
        s = _SECRET_KEY.match(rest)
        return SecretKeyPlace(path, obj, s.group("key"), s.group("registry"), s.group("user")) if s else None
    pointer = parse_path(str(loc.get("key_path", "")))
    if storage == "kubernetes-env-literal":
        e = _ENV.match(rest)
        if e is None or pointer is None or pointer[-1] != "value":
            return None
        return EnvPlace(path, obj, e.group("container"), e.group("env"), pointer[:-1])
    if storage == "kubernetes-manifest":
        a = _ARG.match(rest)
        if a is None or pointer is None or pointer[-2:] != (a.group("field"), int(a.group("index"))):
            return None
        return ArgPlace(path, obj, a.group("container"), pointer, line, column)
    if storage == "configmap" and obj.kind == "ConfigMap":
        c = _CONFIGMAP_KEY.match(rest)
        return ConfigMapPlace(path, obj, c.group("key"), c.group("inner") or "", line, column) if c else None
    return None


def k8s_places(ps: PlannedSecret) -> list[K8sPlace]:
    out: list[K8sPlace] = []
    for loc in live_locations(ps):
        place = k8s_place(loc)
        if place is not None and place not in out:
            out.append(place)
    return out


def locations_by_storage(ps: PlannedSecret, storages: Iterable[str]) -> list[Mapping[str, Any]]:
    wanted = set(storages)
    return [loc for loc in live_locations(ps) if loc.get("storage") in wanted]


# ---------------------------------------------------------------- the scanned files


def source_root(ctx: PlanContext) -> Path | None:
    root = ctx.inventory.get(ROOT_KEY) if ctx.inventory else None
    if not root:
        return None
    path = Path(str(root))
    return path if path.is_dir() else None


def read_source(ctx: PlanContext, rel: str) -> str | None:
    """The text of a scanned file (None: no root, missing, outside the root, too large, binary)."""
    root = source_root(ctx)
    if root is None or not rel:
        return None
    path = (root / rel).resolve()
    try:
        path.relative_to(root.resolve())
        data = path.read_bytes() if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES else None
    except (OSError, ValueError):
        return None
    if data is None or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def offset_of(text: str, starts: list[int], line: int, column: int) -> int | None:
    """Character offset of a 1-based line and column, or None when outside the text."""
    if not 1 <= line <= len(starts) or column < 1:
        return None
    end = starts[line] - 1 if line < len(starts) else len(text)
    offset = starts[line - 1] + column - 1
    return offset if offset <= end else None


def preview_fits(token: str, preview: str) -> bool:
    """Whether ``token`` is consistent with the inventory's redacted preview of the value
    (``ids.redact``: its ends, and the length class they imply)."""
    head, ellipsis, tail = preview.partition("…")
    if not ellipsis or not head or not token.startswith(head) or not token.endswith(tail):
        return False
    n = len(token)
    if len(head) == 4 and len(tail) == 4:
        return n >= 20
    if len(head) == 3 and len(tail) == 2:
        return 12 <= n < 20
    if len(head) == 2 and not tail:
        return 6 <= n < 12
    return len(head) == 1 and not tail and n < 6


def secret_span(text: str, starts: list[int], loc: Mapping[str, Any], preview: str) -> tuple[int, int] | None:
    """The character span of a value written as is at ``loc`` (a decoded value has none): from
    its column to the first character that ends a token in a command or config line, accepted
    only when it fits the preview. None: the span cannot be told, so the caller must not rewrite."""
    if loc.get("decoding"):
        return None
    start = offset_of(text, starts, int(loc.get("line", 0)), int(loc.get("column", 0)))
    if start is None:
        return None
    end = start
    while end < len(text) and text[end] not in _TOKEN_STOP:
        end += 1
    return (start, end) if end > start and preview_fits(text[start:end], preview) else None


def apply_edits(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """Replace spans (start, end, new text); spans must not overlap."""
    out = text
    for start, end, new in sorted(set(edits), key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + new + out[end:]
    return out


# ---------------------------------------------------------------- Kubernetes objects of a file


def load_documents(text: str) -> list[Any] | None:
    """The YAML (or JSON) documents of a manifest file, None when it does not parse (a Helm
    template, a broken file): the caller then writes no full file for it."""
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return None


def object_ref(obj: Any) -> ObjectRef | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str):
        return None
    meta: dict[str, Any] = obj["metadata"] if isinstance(obj.get("metadata"), dict) else {}
    name, namespace = meta.get("name"), meta.get("namespace") or "default"
    if not isinstance(name, str) or not isinstance(namespace, str):
        return None
    return ObjectRef(obj["kind"], namespace, name)


def objects(documents: list[Any]) -> list[dict[str, Any]]:
    """Every Kubernetes object of the documents, items of ``*List`` kinds included."""
    out: list[dict[str, Any]] = []
    for doc in documents:
        if not isinstance(doc, dict):
            continue
        items = doc.get("items")
        if str(doc.get("kind", "")).endswith("List") and isinstance(items, list):
            out.extend(objects(items))
        elif object_ref(doc) is not None:
            out.append(doc)
    return out


def find_object(documents: list[Any], ref: ObjectRef) -> dict[str, Any] | None:
    return next((o for o in objects(documents) if object_ref(o) == ref), None)


def node_at(obj: Any, pointer: tuple[PathPart, ...]) -> Any:
    """The value at a path of a loaded object, None when the path does not lead anywhere."""
    node = obj
    for part in pointer:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):  # noqa: SIM114 - typed apart
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node
