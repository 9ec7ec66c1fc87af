"""Kubernetes manifests, Helm charts, Kustomize, kubeconfig, and YAML/JSON config in general.

Every YAML or JSON file is read here (multi-document, ``List`` kinds); what a document is
decides how its values are judged:

* ``kind: Secret``: every non-empty value is a secret (``data`` decoded from base64,
  ``stringData`` as is), located as ``Secret/<ns>/<name> key=<key>``; ``kubernetes.io/tls``
  keys and ``dockerconfigjson`` registry auths are understood; certificates are not secrets.
* pod specs (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and any kind
  with a pod template): ``env[].value`` literals and credentials in ``command``/``args``.
* ConfigMaps: values by name, and embedded files (``application.yml: |``) parsed as files.
* SealedSecrets, ExternalSecrets, SOPS-encrypted documents: safe, never reported.
* Kustomize ``secretGenerator`` literals; Helm ``values*.yaml``; Helm templates with their
  ``{{ ... }}`` actions masked (same length, so positions hold) before parsing.
* anything else: keys whose name marks a secret (``db.password: ...``).

A file that does not parse is scanned as plain text, with a note.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

import re2

from secretscan.model import Storage
from secretscan.sources.cmdline import command_secrets
from secretscan.sources.configfiles import registry_values
from secretscan.sources.dockerauth import b64decode, registry_auths
from secretscan.sources.kv import Place, assignment
from secretscan.sources.names import is_encrypted_value, is_secret_name, may_name_secret
from secretscan.sources.parser_paths import is_yaml_json_path, parts, suffix
from secretscan.sources.structured import Parsed, Value
from secretscan.sources.textpos import Text
from secretscan.sources.yamlpos import (
    Mapping,
    Node,
    PathPart,
    Scalar,
    Sequence,
    YamlError,
    check_documents,
    dotted,
    get,
    get_text,
    json_path,
    load_documents,
    load_json,
    node_at,
    pairs,
    walk,
    walk_named,
)

MAX_PARSE_BYTES = 2 << 20
GENERIC_PARSE_BYTES = 256 << 10  # larger YAML/JSON that is not a Kubernetes manifest: text scan only


def looks_like_kubernetes(data: bytes) -> bool:
    head = data[:8192]
    return b"apiVersion" in head and b"kind" in head
LARGE_FILE_CHARS = 256 << 10  # above this, matches outside judged values get no locator
_SPECIAL = re.compile(r"[${}:=/@(\[]")
TEMPLATE_NOTE = "in a Helm template"

_POD_PATHS: tuple[tuple[str, ...], ...] = (
    ("spec", "jobTemplate", "spec", "template", "spec"),
    ("spec", "template", "spec"),
    ("template", "spec"),
    ("spec",),
)
_CONTAINER_GROUPS = ("initContainers", "containers", "ephemeralContainers")
_SAFE_KINDS = frozenset(
    {
        "ExternalSecret", "ClusterExternalSecret", "PushSecret", "SecretProviderClass", "VaultStaticSecret",
        "VaultDynamicSecret", "VaultPKISecret", "OnePasswordItem", "InfisicalSecret", "DopplerSecret",
    }
)  # fmt: skip
_DOCKER_TYPES = ("kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg")
_EMBEDDED_SUFFIXES = (".properties", ".yml", ".yaml", ".json", ".env", ".ini", ".cfg", ".npmrc", ".conf", ".tfvars")
_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_VALUES_FILE = re.compile(r"^(?:values(?:[-._][\w.-]*)?|[\w.-]+[-._]values)\.ya?ml$")
_MASK = "\x00"


class KubernetesParser:
    """YAML and JSON files: Kubernetes objects, Helm, Kustomize, kubeconfig, generic config."""

    name = "kubernetes"

    def claims(self, path: str) -> bool:
        return is_yaml_json_path(path)

    def parse(self, data: bytes, path: str) -> Parsed:
        return parse_yaml_file(data, path)

    def parse_structure(self, data: bytes, path: str) -> Parsed:
        """What the structure alone can report (no plain-text match needs a locator): a config
        file that holds no secret-like name, no Kubernetes object, no URI and no escape that
        could spell one of those has nothing of the kind; it is only checked for the note."""
        return parse_yaml_file(data, path, locate=False)

    def variant(self, path: str) -> str:
        return file_kind(path)


def file_kind(path: str) -> str:
    """kustomize | helm-values | helm-template | manifest."""
    names = parts(path.lower())
    base = names[-1] if names else ""
    if base in ("kustomization.yaml", "kustomization.yml", "kustomization"):
        return "kustomize"
    if _VALUES_FILE.match(base):
        return "helm-values"
    if "templates" in names[:-1] and suffix(base) in (".yaml", ".yml"):
        return "helm-template"
    return "manifest"


_DEFAULT_STORAGE = {
    "kustomize": Storage.KUSTOMIZE,
    "helm-values": Storage.HELM_VALUES,
    "helm-template": Storage.KUBERNETES_MANIFEST,
    "manifest": Storage.CONFIG_FILE,
}


def parse_yaml_file(data: bytes, path: str, *, locate: bool = True) -> Parsed:
    """Values of a YAML/JSON file. ``locate=False``: only values the structure alone may report
    are needed (no plain-text match to locate), so a generic file that cannot hold one is
    only checked for validity (the same note), not read value by value."""
    kind = file_kind(path)
    default = _DEFAULT_STORAGE[kind]
    if len(data) > MAX_PARSE_BYTES:
        note = f"over {MAX_PARSE_BYTES >> 20} MiB: not parsed as YAML/JSON, scanned as plain text"
        return Parsed(notes=(note,), default_storage=default)
    if kind == "manifest" and len(data) > GENERIC_PARSE_BYTES and not looks_like_kubernetes(data):
        # A large data file (an API model, a translation table, a lockfile): reading every
        # scalar with its position costs far more than it finds; the text scan covers it.
        return Parsed(default_storage=default)
    text = Text(data)
    source = text.clean()
    templated = kind == "helm-template" and "{{" in source
    actions: list[tuple[int, int]] = []
    if templated:
        source, actions = mask_templates(source)
    json_file = path.lower().endswith(".json")
    try:
        if not locate and kind == "manifest" and not may_hold_structure(data):
            if not (json_file and _is_json(source)):
                check_documents(source)
            return Parsed(default_storage=default)
        documents = (load_json(source) if json_file else None) or load_documents(source)
    except YamlError as exc:
        what = (
            "Helm template that is not valid YAML once its actions are masked" if templated else "not valid YAML/JSON"
        )
        return Parsed(notes=(f"{what} ({exc}): scanned as plain text",), default_storage=default)
    ctx = YamlContext(text, actions, TEMPLATE_NOTE if templated else None, locate=locate)
    values: list[Value] = []
    for document in documents:
        values.extend(read_document(ctx, document, kind))
    return Parsed(values=tuple(values), default_storage=default)


# What a generic YAML/JSON file needs to yield a value by structure alone: a Kubernetes object
# (its kind), a URI with a password (its slashes may be JSON-escaped: names._URI_USERINFO), or
# an escape that may spell an ASCII letter (or a Kelvin sign) or join two lines.
_STRUCTURE_HINT = re2.compile(
    rb"kind|:(?:\\?/){2}[^\s:@/?#'\"<>{}]*:[^\s@/?#'\"<>{}]+@|"
    rb"\\(?:x[2-7]|u(?:00[2-7]|212)|U0000(?:00[2-7]|212)|\r|\n)"
)


def _is_json(source: str) -> bool:
    """Whether ``source`` is plain JSON (then PyYAML has nothing to say about it)."""
    try:
        json.loads(source)
    except (ValueError, RecursionError):
        return False
    return True


def may_hold_structure(data: bytes) -> bool:
    """False when no value of this file can be reported by its structure alone: no name
    ``is_secret_name`` may accept (``may_name_secret``), no Kubernetes object, docker auths
    or connection string (their keys are such names or ``kind``), no URI, no escape."""
    return may_name_secret(data) or _STRUCTURE_HINT.search(data) is not None


def mask_templates(source: str) -> tuple[str, list[tuple[int, int]]]:
    """Helm/Go template actions replaced, same length: a line holding only actions becomes a
    comment, an action inside a line becomes a run of ``_`` (a plain scalar)."""
    actions = [m.span() for m in _ACTION.finditer(source)]
    masked = _ACTION.sub(lambda m: re.sub(r"[^\r\n]", _MASK, m.group(0)), source)
    lines = masked.split("\n")
    for i, line in enumerate(lines):
        if _MASK not in line:
            continue
        content = line.strip(" \t\r")
        if content and not content.strip(_MASK):
            indent = len(line) - len(line.lstrip(" \t"))
            lines[i] = line[:indent] + "#" + line[indent + 1 :].replace(_MASK, " ")
        else:
            lines[i] = line.replace(_MASK, "_")
    return "\n".join(lines), actions


@dataclass
class YamlContext:
    """One YAML file being read: its text, template actions, and the scalars already judged."""

    text: Text
    actions: list[tuple[int, int]]
    note: str | None
    locate: bool = True  # False: no plain-text match to locate, only what structure reports is needed
    done: set[int] = field(default_factory=set)

    def templated(self, node: Scalar) -> bool:
        if node.block:
            return False
        return any(start < node.end and node.start < end for start, end in self.actions)

    def label(self, node: Node | None) -> str | None:
        """A name as written: a templated one keeps its ``{{ ... }}`` text."""
        if not isinstance(node, Scalar):
            return None
        if self.templated(node):
            return " ".join(self.text.text[node.start : node.end].split())
        return node.value

    def place(
        self, storage: Storage, locator: str, key_path: str = "", note: str | None = None, rule: str = ""
    ) -> Place:
        notes = "; ".join(n for n in (note, self.note) if n) or None
        return Place(storage, locator, key_path, notes, rule)

    def assign(
        self, node: Scalar, key: str, place: Place, *, force: bool = False, named: bool | None = None
    ) -> list[Value]:
        self.done.add(id(node))
        if self.templated(node):
            return [self.whole(node, place, safe=True, note="Helm template expression")]
        return assignment(self.text, node.start, node.end, key, place, logical=node.value, force=force, named=named)

    def whole(
        self,
        node: Scalar,
        place: Place,
        *,
        safe: bool = False,
        note: str | None = None,
        key: str = "",
        decoded: bytes | None = None,
        decoding: tuple[str, ...] = (),
        secret_by_name: bool = False,
    ) -> Value:
        """A Value for the scalar as written (``decoded``: what it stands for, if not itself)."""
        self.done.add(id(node))
        raw = self.text.text[node.start : node.end]
        if decoded is None and raw != node.value:
            decoded = node.value.encode("utf-8", "surrogateescape")
        return Value(
            start=self.text.byte(node.start),
            end=self.text.byte(node.end),
            locator=place.locator,
            storage=place.storage,
            key=key,
            decoded=decoded,
            decoding=decoding if decoded is not None else (),
            secret_by_name=secret_by_name,
            safe=safe,
            note="; ".join(n for n in (place.note, note) if n) or None,
            key_path=place.key_path,
            rule=place.rule,
        )


def read_document(ctx: YamlContext, document: Node | None, kind: str) -> list[Value]:
    if document is None:
        return []
    out = sops_metadata(ctx, document)
    if kind == "kustomize" and isinstance(document, Mapping):
        out += kustomization(ctx, document)
    elif kind == "helm-values":
        out += generic(ctx, document, Storage.HELM_VALUES, "")
    elif isinstance(document, Mapping) and isinstance(get(document, "kind"), Scalar):
        out += k8s_object(ctx, document)
    else:
        out += docker_auths(ctx, document)
        out += generic(ctx, document, Storage.CONFIG_FILE, "")
    return out


def docker_auths(ctx: YamlContext, document: Node) -> list[Value]:
    """A docker config under any name (``ci/docker-config.json``): its registry credentials."""
    auths = get(document, "auths")
    out: list[Value] = []
    if isinstance(auths, Mapping):
        for registry, entry in pairs(auths):
            if isinstance(entry, Mapping):
                ctx.done.update(id(node) for _, node in pairs(entry))
                out += registry_values(ctx.text, registry.value, entry)
    return out


def sops_metadata(ctx: YamlContext, document: Node) -> list[Value]:
    """A SOPS-encrypted document: its ``sops`` block (keys, MAC) is safe; ENC[...] values are
    recognised as encrypted wherever they are."""
    meta = get(document, "sops")
    if not isinstance(meta, Mapping) or get(meta, "mac") is None and get(meta, "lastmodified") is None:
        return []
    place = ctx.place(Storage.CONFIG_FILE, "sops metadata")
    return [ctx.whole(node, place, safe=True, note="SOPS metadata") for _, node in walk(meta, ("sops",))]


# ---------------------------------------------------------------- generic


def generic(
    ctx: YamlContext, root: Node, storage: Storage, ident: str, base: tuple[PathPart, ...] = (), rule: str = ""
) -> list[Value]:
    """Every scalar not yet read, judged by the name it is assigned to. A scalar under a name
    that marks no secret, with none of the characters of a reference, an encrypted value or a
    URI (``kv.assignment``), can only be a locator for a plain-text match: it is read only
    when there are matches to locate and the file is not large."""
    out: list[Value] = []
    judged_only = not ctx.locate or len(ctx.text.text) > LARGE_FILE_CHARS
    for path, node, name in walk_named(root, base):
        if id(node) in ctx.done:
            continue
        if judged_only and not (name and is_secret_name(name)) and not _SPECIAL.search(node.value):
            continue
        where = json_path(path) if ident else dotted(path)
        if name and path and name != path[-1]:
            where = f"{where} ({name})"  # a {name: X, value: ...} item
        locator = f"{ident} {where}".strip() if ident else where
        place = ctx.place(storage, locator or "(document)", json_path(path), rule=rule)
        out.extend(ctx.assign(node, name, place, named=None if name else False))
    return out


# ---------------------------------------------------------------- Kubernetes objects


def k8s_object(ctx: YamlContext, obj: Mapping) -> list[Value]:
    kind = get_text(obj, "kind") or ""
    items = get(obj, "items")
    if kind.endswith("List") and isinstance(items, Sequence):
        out: list[Value] = []
        for item in items.items:
            if isinstance(item, Mapping) and isinstance(get(item, "kind"), Scalar):
                out += k8s_object(ctx, item)
        return out + generic(ctx, obj, Storage.KUBERNETES_MANIFEST, kind)
    meta = get(obj, "metadata")
    name = ctx.label(get(meta, "name")) or "?"
    namespace = ctx.label(get(meta, "namespace")) or "default"
    ident = f"{kind}/{namespace}/{name}"
    out = []
    if kind == "Secret":
        out += secret(ctx, obj, ident)
    elif kind == "ConfigMap":
        out += configmap(ctx, obj, ident)
    elif kind == "SealedSecret":
        out += safe_subtree(ctx, node_at(obj, "spec", "encryptedData"), ("spec", "encryptedData"), ident, "sealed")
    elif kind in _SAFE_KINDS:
        out += safe_subtree(ctx, get(obj, "spec"), ("spec",), ident, "reference to an external secret store")
    elif kind == "Config" and get(obj, "users") is not None:
        out += kubeconfig(ctx, obj)
    out += pod_values(ctx, obj, ident)
    storage = Storage.CONFIG_FILE if kind == "Config" else Storage.KUBERNETES_MANIFEST
    return out + generic(ctx, obj, storage, ident)


def safe_subtree(ctx: YamlContext, node: Node | None, base: tuple[PathPart, ...], ident: str, why: str) -> list[Value]:
    out = []
    for path, scalar in walk(node, base):
        place = ctx.place(Storage.KUBERNETES_MANIFEST, f"{ident} {json_path(path)}", json_path(path))
        out.append(ctx.whole(scalar, place, safe=True, note=why))
    return out


def secret(ctx: YamlContext, obj: Mapping, ident: str) -> list[Value]:
    secret_type = get_text(obj, "type") or "Opaque"
    out: list[Value] = []
    for section, encoded in (("data", True), ("stringData", False)):
        entries = get(obj, section)
        if not isinstance(entries, Mapping):
            continue
        for key_node, node in pairs(entries):
            if isinstance(node, Scalar):
                out += secret_entry(ctx, ident, secret_type, section, key_node.value, node, encoded)
    return out


def secret_entry(
    ctx: YamlContext, ident: str, secret_type: str, section: str, key: str, node: Scalar, encoded: bool
) -> list[Value]:
    rule = "secretscan.kubernetes.tls-private-key" if key == "tls.key" else ""
    place = ctx.place(Storage.KUBERNETES_SECRET, f"{ident} key={key}", json_path((section, key)), rule=rule)
    written = node.value.strip()
    if not written or ctx.templated(node) or is_encrypted_value(written):
        return ctx.assign(node, key, place)
    if not encoded:
        content = node.value.encode("utf-8", "surrogateescape")
        if not_secret_in_secret(secret_type, key, content):
            return [ctx.whole(node, place)]
        auths = (
            secret_registry_values(ctx, node, place, content, ("json",)) if _is_docker_config(secret_type, key) else []
        )
        return [ctx.whole(node, place)] + auths if auths else ctx.assign(node, key, place, force=True)
    decoded = b64decode(written)
    if decoded is None:
        note_place = replace(place, note=_join(place.note, "not valid base64: read as written"))
        return ctx.assign(node, key, note_place, force=True)
    if not_secret_in_secret(secret_type, key, decoded):
        return [ctx.whole(node, place, decoded=decoded, decoding=("base64",))]
    if _is_docker_config(secret_type, key):
        auths = secret_registry_values(ctx, node, place, decoded, ("base64", "json"))
        if auths:
            return [ctx.whole(node, place, decoded=decoded, decoding=("base64",))] + auths
    return [ctx.whole(node, place, key=key, decoded=decoded, decoding=("base64",), secret_by_name=True)]


def _is_docker_config(secret_type: str, key: str) -> bool:
    return secret_type in _DOCKER_TYPES or key in (".dockerconfigjson", ".dockercfg")


def not_secret_in_secret(secret_type: str, key: str, content: bytes) -> bool:
    """Public parts of a Secret: certificates (tls.crt, ca.crt) and a token Secret's namespace."""
    if b"-----BEGIN CERTIFICATE-----" in content and b"PRIVATE KEY" not in content:
        return True
    return secret_type == "kubernetes.io/service-account-token" and key == "namespace"


def secret_registry_values(
    ctx: YamlContext, node: Scalar, place: Place, config: bytes, chain: tuple[str, ...]
) -> list[Value]:
    """One Value per registry credential of a docker config held in ``node``."""
    auths = registry_auths(config)
    if not auths:
        return []
    out = []
    for auth in auths:
        steps = (*chain, f"auths.{auth.registry}.{auth.field}")
        if auth.field == "auth":
            steps = (*steps, "base64", "user:password")
        located = replace(
            place,
            locator=f"{place.locator} registry={auth.registry} user={auth.user or '?'}",
            rule="secretscan.docker.registry-credential",
        )
        out.append(
            ctx.whole(
                node, located, key=auth.field, decoded=auth.secret.encode("utf-8"), decoding=steps, secret_by_name=True
            )
        )
    return out


def configmap(ctx: YamlContext, obj: Mapping, ident: str) -> list[Value]:
    out: list[Value] = []
    for section in ("data", "binaryData"):
        entries = get(obj, section)
        if not isinstance(entries, Mapping):
            continue
        for key_node, node in pairs(entries):
            if not isinstance(node, Scalar):
                continue
            key = key_node.value
            place = ctx.place(Storage.CONFIGMAP, f"{ident} key={key}", json_path((section, key)))
            if section == "binaryData":
                decoded = b64decode(node.value)
                out.append(ctx.whole(node, place, key=key, decoded=decoded, decoding=("base64",) if decoded else ()))
            elif key.lower().endswith(_EMBEDDED_SUFFIXES) and "\n" in node.value.strip():
                out += embedded_file(ctx, node, key, place)
            else:
                out += ctx.assign(node, key, place)
    return out


def embedded_file(ctx: YamlContext, node: Scalar, key: str, place: Place) -> list[Value]:
    """A file held in a ConfigMap key (``application.yml: |``): parsed by the parser its name
    selects, each value relocated into this file."""
    whole = ctx.whole(node, place)
    mapping = block_map(ctx.text.text, node) if node.style == "|" else None
    if mapping is None:
        return [whole]
    from secretscan.sources.structured import parser_for  # the registry imports this module

    parser = parser_for(key)
    if parser is None or parser.name == "source-code":
        return [whole]
    inner_bytes = node.value.encode("utf-8", "surrogateescape")
    try:
        parsed = parser.parse(inner_bytes, key)
    except RecursionError:
        return [whole]
    out = [whole]
    for inner in parsed.values:
        start = mapping.outer(_char_index(inner_bytes, inner.start))
        end = mapping.outer(_char_index(inner_bytes, inner.end))
        if start is None or end is None:
            continue
        out.append(
            replace(
                inner,
                start=ctx.text.byte(start),
                end=ctx.text.byte(end),
                locator=f"{place.locator} {inner.locator}".strip(),
                storage=Storage.CONFIGMAP,
                rule=inner.rule if inner.rule.startswith("secretscan.config.credential") else "",
                note=_join(ctx.note, inner.note or "") or None,
            )
        )
    return out


def _char_index(data: bytes, offset: int) -> int:
    return len(data[:offset].decode("utf-8", "surrogateescape"))


@dataclass(frozen=True)
class BlockMap:
    """Character offsets of a literal block scalar's value -> offsets in the file."""

    logical_starts: list[int]
    outer_starts: list[int]
    lengths: list[int]

    def outer(self, index: int) -> int | None:
        for start, outer, length in zip(self.logical_starts, self.outer_starts, self.lengths, strict=False):
            if start <= index <= start + length:
                return outer + index - start
        return None


def block_map(source: str, node: Scalar) -> BlockMap | None:
    lines = node.value.split("\n")
    pos = source.find("\n", node.start)
    if pos < 0:
        return None
    pos += 1
    indent = _block_indent(source, pos)
    logical = outer = 0
    logical_starts, outer_starts, lengths = [], [], []
    for line in lines:
        if pos > len(source):
            return None
        end = source.find("\n", pos)
        end = len(source) if end < 0 else end
        physical = source[pos:end].rstrip("\r")
        if line and physical[indent : indent + len(line)] != line:
            return None
        outer = pos + min(indent, len(physical))
        logical_starts.append(logical)
        outer_starts.append(outer)
        lengths.append(len(line))
        logical += len(line) + 1
        pos = end + 1
    return BlockMap(logical_starts, outer_starts, lengths)


def _block_indent(source: str, pos: int) -> int:
    """Indentation of a block scalar: that of its first non-empty line."""
    while pos < len(source):
        end = source.find("\n", pos)
        end = len(source) if end < 0 else end
        line = source[pos:end].rstrip("\r")
        if line.strip():
            return len(line) - len(line.lstrip(" "))
        pos = end + 1
    return 0


def pod_values(ctx: YamlContext, obj: Mapping, ident: str) -> list[Value]:
    for spec_path in _POD_PATHS:
        spec = node_at(obj, *spec_path)
        if isinstance(spec, Mapping) and isinstance(get(spec, "containers"), Sequence):
            break
    else:
        return []
    out: list[Value] = []
    for group in _CONTAINER_GROUPS:
        containers = get(spec, group)
        if not isinstance(containers, Sequence):
            continue
        for ci, container in enumerate(containers.items):
            if isinstance(container, Mapping):
                base: tuple[PathPart, ...] = (*spec_path, group, ci)
                out += container_values(ctx, container, base, ident)
    return out


def container_values(ctx: YamlContext, container: Mapping, base: tuple[PathPart, ...], ident: str) -> list[Value]:
    cname = ctx.label(get(container, "name")) or str(base[-1])
    out: list[Value] = []
    env = get(container, "env")
    if isinstance(env, Sequence):
        for ei, item in enumerate(env.items):
            name, value = get_text(item, "name"), get(item, "value")
            if name and isinstance(value, Scalar):
                path = json_path((*base, "env", ei, "value"))
                place = ctx.place(Storage.KUBERNETES_ENV_LITERAL, f"{ident} container={cname} env={name}", path)
                out += ctx.assign(value, name, place)
    for field_name in ("command", "args"):
        items = get(container, field_name)
        if isinstance(items, Sequence):
            out += argument_values(ctx, items, (*base, field_name), f"{ident} container={cname}")
    return out


def argument_values(ctx: YamlContext, items: Sequence, base: tuple[PathPart, ...], ident: str) -> list[Value]:
    """Credentials in a container's command or args: ``--password=x``, ``--token x``, or a
    shell command line (``sh -c "curl -u user:pass ..."``)."""
    out: list[Value] = []
    nodes = items.items
    for i, node in enumerate(nodes):
        if not isinstance(node, Scalar) or id(node) in ctx.done:
            continue
        path = json_path((*base, i))
        place = ctx.place(Storage.KUBERNETES_MANIFEST, f"{ident} {path.rsplit('.', 1)[-1]}", path)
        flag = re.fullmatch(r"--?([A-Za-z][\w.-]*)", node.value)
        following = nodes[i + 1] if i + 1 < len(nodes) else None
        if flag and is_secret_name(flag.group(1)) and isinstance(following, Scalar):
            next_path = json_path((*base, i + 1))
            next_place = replace(place, locator=f"{ident} {next_path.rsplit('.', 1)[-1]}", key_path=next_path)
            out += ctx.assign(following, flag.group(1), next_place, named=True)
        out += command_values(ctx, node, place)
    return out


def command_values(ctx: YamlContext, node: Scalar, place: Place) -> list[Value]:
    """Values for a scalar holding a command line, with its literal credentials."""
    out = [ctx.whole(node, place)]
    raw = ctx.text.text[node.start : node.end]
    if raw != node.value or ctx.templated(node):
        return out
    for found in command_secrets(node.value):
        start, end = node.start + found.start, node.start + found.end
        located = replace(place, note=_join(place.note, f"credential in a command ({found.what})"))
        out += [
            replace(v, secret_by_name=True)
            for v in assignment(ctx.text, start, end, found.what, located, named=True)
            if not v.safe
        ]
    return out


def kubeconfig(ctx: YamlContext, obj: Mapping) -> list[Value]:
    users = get(obj, "users")
    if not isinstance(users, Sequence):
        return []
    rule = "secretscan.kubernetes.kubeconfig-credential"
    out: list[Value] = []
    for ui, entry in enumerate(users.items):
        user = get(entry, "user")
        uname = get_text(entry, "name") or str(ui)
        if not isinstance(user, Mapping):
            continue
        for key_node, node in pairs(user):
            key = key_node.value
            path = json_path(("users", ui, "user", key))
            place = ctx.place(Storage.CONFIG_FILE, f"kubeconfig user={uname} {key}", path, rule=rule)
            if not isinstance(node, Scalar):
                continue
            if key in ("token", "password"):
                out += ctx.assign(node, key, place, force=True)
            elif key == "client-key-data":
                decoded = b64decode(node.value)
                out.append(ctx.whole(node, place, key=key, decoded=decoded, decoding=("base64",), secret_by_name=True))
        provider = node_at(user, "auth-provider", "config")
        base: tuple[PathPart, ...] = ("users", ui, "user", "auth-provider", "config")
        if provider is not None:
            out += generic(ctx, provider, Storage.CONFIG_FILE, f"kubeconfig user={uname}", base, rule=rule)
    return out


# ---------------------------------------------------------------- Kustomize


def kustomization(ctx: YamlContext, doc: Mapping) -> list[Value]:
    namespace = get_text(doc, "namespace") or "default"
    out: list[Value] = []
    for section, storage, force in (
        ("secretGenerator", Storage.KUSTOMIZE, True),
        ("configMapGenerator", Storage.CONFIGMAP, False),
    ):
        generators = get(doc, section)
        if not isinstance(generators, Sequence):
            continue
        for gi, generator in enumerate(generators.items):
            name = get_text(generator, "name") or str(gi)
            ns = get_text(generator, "namespace") or namespace
            literals = get(generator, "literals")
            if not isinstance(literals, Sequence):
                continue
            for li, literal in enumerate(literals.items):
                if isinstance(literal, Scalar):
                    path = (section, gi, "literals", li)
                    out += generator_literal(ctx, literal, f"{section}/{ns}/{name}", json_path(path), storage, force)
    return out + generic(ctx, doc, Storage.KUSTOMIZE, "")


def generator_literal(
    ctx: YamlContext, node: Scalar, ident: str, path: str, storage: Storage, force: bool
) -> list[Value]:
    """``KEY=value`` in a generator's literals: the value is judged at its own span."""
    key, equals, value = node.value.partition("=")
    place = ctx.place(storage, f"{ident} key={key}", path)
    raw = ctx.text.text[node.start : node.end]
    if not equals or raw != node.value or ctx.templated(node):
        return [ctx.whole(node, place)]
    ctx.done.add(id(node))
    start = node.start + len(key) + 1
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
    if quoted:
        start, value = start + 1, value[1:-1]
    return assignment(ctx.text, start, start + len(value), key, place, force=force)


def _join(first: str | None, second: str) -> str:
    return "; ".join(p for p in (first, second) if p)
