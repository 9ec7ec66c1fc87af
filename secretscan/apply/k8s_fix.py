"""In-place edits of Kubernetes manifests for ``secretscan fix``: each env literal the scan found
becomes ``valueFrom.secretKeyRef`` (the Secret the plan's ExternalSecret keeps), and each
committed Secret document becomes the ExternalSecret the plan writes for it. Every other byte of
the file (comments, key order, quoting, indentation, other documents) stays as it is: the exact
spans come from PyYAML's composer nodes and the document separators of the parser's events.

Each file's edits are checked before they are offered: the edited text must load to exactly the
old documents with the intended change made (the env item's ``value`` swapped for ``valueFrom``,
the Secret swapped for the ExternalSecret), nothing else. A file holding a value this module
cannot take out exactly (an argument, a ConfigMap key, an encoded or partial env value, a Secret
inside a ``List``, a template, anything reached through a YAML alias) is a ManualChange, and
then no part of that file is edited. No value is ever put into a record or a reason.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from secretscan.apply.model import Edit, FileChange, ManualChange, Mask, apply, sha256_bytes
from secretscan.remediation.artefact_names import SITE
from secretscan.remediation.artefact_places import (
    MAX_SOURCE_BYTES,
    ArgPlace,
    ConfigMapPlace,
    EnvPlace,
    ObjectRef,
    PathPart,
    SecretKeyPlace,
    find_object,
    k8s_place,
    live_locations,
    node_at,
    object_ref,
    preview_fits,
    source_root,
)
from secretscan.remediation.eso import Wanted, external_secret, external_secret_artefact, external_secrets_wanted
from secretscan.remediation.k8s_patch import FilePlan, Found, files_with_k8s_values, secret_ref
from secretscan.remediation.model import PlanContext, PlannedSecret

HIDDEN = "<hidden>"  # preview of a Secret's value nobody flagged (still never shown in a diff)
_TRAILING = " \t\r\n"
_K8S_STORAGES = frozenset(
    {"kubernetes-secret", "kubernetes-env-literal", "kubernetes-manifest", "configmap", "helm-values", "kustomize"}
)


class _Unfixable(Exception):
    """Why a file is left to a person (a one-line reason without any value)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Doc:
    """One YAML document: its node, its loaded data, and its region of the text (from after the
    separator line before it to the separator after it; ``start`` None: not separable)."""

    node: yaml.Node
    data: Any
    start: int | None
    end: int


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    text: str
    sha256: str
    is_json: bool
    newline: str


@dataclass(frozen=True, slots=True)
class Intent:
    """A change to the loaded documents the text edit must amount to: an env item swapped to a
    reference (``ref``), or a whole Secret document swapped for ``replacement``."""

    obj: ObjectRef
    pointer: tuple[PathPart, ...] = ()
    ref: Mapping[str, Any] | None = None
    replacement: Mapping[str, Any] | None = None
    whole: bool = False  # the replacement is the whole file


@dataclass
class Work:
    edits: list[Edit]
    masks: list[Mask]
    intents: list[Intent]
    notes: list[str]
    secrets_replaced: int = 0


# ---------------------------------------------------------------- entry point


def changes(ctx: PlanContext) -> tuple[list[FileChange], list[ManualChange]]:
    files = files_with_k8s_values(ctx)
    manual = unplaced(ctx, set(files))
    if not files:
        return [], manual
    wanted = {(w.namespace, w.name): w for w in external_secrets_wanted(ctx)}
    out: list[FileChange] = []
    for path in sorted(files):
        plan = files[path]
        try:
            change = file_change(ctx, plan, wanted)
        except _Unfixable as e:
            manual.append(ManualChange(path, e.reason, fingerprints(plan.found)))
            continue
        if change is not None:
            out.append(change)
    return out, manual


def unplaced(ctx: PlanContext, placed: set[str]) -> list[ManualChange]:
    """Files with a Kubernetes value but no place this module (or ``k8s_patch``) can read: a Helm
    template, a values or Kustomize file, another field of an object. Listed, never edited."""
    reasons: dict[str, str] = {}
    fps: dict[str, list[str]] = {}
    for ps in ctx.secrets:
        for loc in live_locations(ps):
            path, storage = str(loc.get("path", "")), str(loc.get("storage", ""))
            if not path or path in placed or storage not in _K8S_STORAGES or k8s_place(loc) is not None:
                continue
            reasons.setdefault(path, unplaced_reason(loc))
            fps.setdefault(path, []).append(ps.fingerprint)
    return [ManualChange(path, reasons[path], tuple(dict.fromkeys(fps[path]))) for path in sorted(reasons)]


def unplaced_reason(loc: Mapping[str, Any]) -> str:
    locator, storage = str(loc.get("locator", "")), loc.get("storage")
    if "{{" in locator or "Helm template" in str(loc.get("note", "")):
        return "a Helm template: move the value into a Secret the chart references, by hand"
    if storage == "helm-values":
        return f"a Helm values file ({locator or 'line ' + str(loc.get('line', '?'))}): edit it by hand"
    if storage == "kustomize":
        return "a Kustomize file (a secretGenerator literal?): edit it by hand"
    return f"the value at line {loc.get('line', '?')} ({locator or 'no locator'}) is neither an env literal nor a Secret key: edit it by hand"


def fingerprints(found: Sequence[Found]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.ps.fingerprint for f in found))


def file_change(ctx: PlanContext, plan: FilePlan, wanted: Mapping[tuple[str, str], Wanted]) -> FileChange | None:
    for f in plan.found:
        check_fixable(f)
    src = read(ctx, plan.path)
    if "{{" in src.text:
        raise _Unfixable("looks like a template ({{ }}): edit it by hand")
    docs = parse(src.text)
    work = Work([], [], [], [])
    env_edits(src, docs, plan, wanted, work)
    secret_edits(ctx, src, docs, plan, wanted, work)
    if not work.edits:
        return None
    try:
        after = apply(src.text, work.edits)
    except ValueError:
        raise _Unfixable("two values to replace overlap: edit it by hand") from None
    verify(src, docs, after, work.intents)
    return FileChange(
        path=plan.path,
        kind="k8s-external-secret" if work.secrets_replaced else "k8s-env-ref",
        description="; ".join(work.notes),
        before_sha256=src.sha256,
        edits=tuple(sorted(work.edits, key=lambda e: e.start)),
        masks=tuple(sorted(work.masks, key=lambda m: m.start)),
        fingerprints=fingerprints(plan.found),
    )


def check_fixable(f: Found) -> None:
    place, loc = f.place, f.loc
    where = f"line {loc.get('line', '?')}"
    if isinstance(place, ArgPlace):
        field = place.pointer[-2]
        raise _Unfixable(
            f"{place.obj.ident} container {place.container}: a value in {field} ({where}) needs the command rewritten: edit it by hand"
        )
    if isinstance(place, ConfigMapPlace):
        raise _Unfixable(
            f"{place.obj.ident} key {place.key} ({where}): a ConfigMap value must move to a Secret and its readers change: edit it by hand"
        )
    if isinstance(place, EnvPlace) and loc.get("decoding"):
        raise _Unfixable(
            f"{place.obj.ident} env {place.env}: the value is encoded ({'+'.join(map(str, loc['decoding']))}): edit it by hand"
        )
    if place is None:
        locator = str(loc.get("locator") or "no Kubernetes locator")
        raise _Unfixable(
            f"the value at {where} ({locator}) is neither an env literal nor a Secret key: edit it by hand"
        )


# ---------------------------------------------------------------- reading and parsing


def read(ctx: PlanContext, rel: str) -> Source:
    root = source_root(ctx)
    if root is None:
        raise _Unfixable("the scanned files are not reachable (the inventory names no root folder)")
    path = (root / rel).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        raise _Unfixable("the path leads outside the scanned folder") from None
    data = read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Unfixable("not UTF-8 text: edit it by hand") from None
    first_break = text.find("\n")
    newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
    return Source(rel, text, sha256_bytes(data), rel.lower().endswith(".json"), newline)


def read_bytes(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise _Unfixable("the file is gone since the scan")
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise _Unfixable(f"larger than {MAX_SOURCE_BYTES >> 20} MiB: edit it by hand")
        return path.read_bytes()
    except OSError:
        raise _Unfixable("the file cannot be read") from None


def parse(text: str) -> list[Doc]:
    """Nodes, data and regions of every document (yaml errors carry text snippets: never shown)."""
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        data = list(yaml.safe_load_all(text))
        events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        raise _Unfixable("does not parse as YAML/JSON: edit it by hand") from None
    starts = [e for e in events if isinstance(e, yaml.DocumentStartEvent)]
    ends = [e for e in events if isinstance(e, yaml.DocumentEndEvent)]
    if not len(nodes) == len(data) == len(starts) == len(ends):
        raise _Unfixable("its documents cannot be told apart: edit it by hand")
    docs = []
    for i, (node, obj) in enumerate(zip(nodes, data, strict=True)):
        start = region_start(text, starts[i])
        end = (
            at(ends[i].start_mark)
            if ends[i].explicit
            else (at(starts[i + 1].start_mark) if i + 1 < len(starts) else len(text))
        )
        docs.append(Doc(node, obj, start, end))
    return docs


def at(mark: Any) -> int:
    if mark is None:  # PyYAML's parser always sets it
        raise _Unfixable("its documents cannot be told apart: edit it by hand")
    return int(mark.index)


def region_start(text: str, event: yaml.DocumentStartEvent) -> int | None:
    """Where a document's own text begins: 0 for the first implicit one, else after the line of
    its ``---`` (None when the document starts on that line, ``--- {...}``)."""
    if not event.explicit:  # only the first document may be implicit
        return 0
    line_end = text.find("\n", at(event.end_mark))
    line_end = len(text) if line_end < 0 else line_end + 1
    rest = text[at(event.end_mark) : line_end].strip()
    if rest and not rest.startswith("#"):
        return None
    return line_end


# ---------------------------------------------------------------- finding nodes


def objects_with_nodes(docs: Sequence[Doc]) -> list[tuple[dict[str, Any], yaml.Node, Doc, bool]]:
    """(object, its node, its document, whether it is an item of a List) of every object."""
    out: list[tuple[dict[str, Any], yaml.Node, Doc, bool]] = []
    for doc in docs:
        obj = doc.data
        if not isinstance(obj, dict):
            continue
        items = obj.get("items")
        if str(obj.get("kind", "")).endswith("List") and isinstance(items, list):
            seq = child(doc.node, "items")
            if isinstance(seq, yaml.SequenceNode) and len(seq.value) == len(items):
                out += [(o, n, doc, True) for o, n in zip(items, seq.value, strict=True) if isinstance(o, dict)]
        elif object_ref(obj) is not None:
            out.append((obj, doc.node, doc, False))
    return out


def object_node(docs: Sequence[Doc], ref: ObjectRef) -> tuple[yaml.Node, Doc, bool]:
    found = [(n, d, in_list) for o, n, d, in_list in objects_with_nodes(docs) if object_ref(o) == ref]
    if len(found) != 1:
        raise _Unfixable(f"{ref.ident} is not where the scan saw it ({len(found)} found): re-scan, then fix")
    return found[0]


def pairs(node: yaml.Node, key: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [
        (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.tag.endswith(":str") and k.value == key
    ]


def child(node: yaml.Node, key: str) -> yaml.Node | None:
    found = pairs(node, key)
    return found[0][1] if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class Step:
    parent: yaml.Node
    key: yaml.Node | None
    node: yaml.Node


def walk(node: yaml.Node, pointer: tuple[PathPart, ...], ident: str) -> list[Step]:
    """The nodes along ``pointer``, each checked to be written where it is used (a node reached
    through an alias or a merge key starts before its key: its text is shared, not edited)."""
    steps: list[Step] = []
    for part in pointer:
        key: yaml.Node | None = None
        if isinstance(part, int):
            if not isinstance(node, yaml.SequenceNode) or not 0 <= part < len(node.value):
                raise _Unfixable(f"{ident}: the env item is not where the scan saw it: re-scan, then fix")
            nxt = node.value[part]
            floor = node.start_mark.index
        else:
            found = pairs(node, part)
            if len(found) != 1:
                raise _Unfixable(f"{ident}: the env item is not where the scan saw it: re-scan, then fix")
            key, nxt = found[0]
            floor = key.end_mark.index
        if nxt.start_mark.index < floor or nxt.start_mark.index < node.start_mark.index:
            raise _Unfixable(f"{ident}: the env item is reached through a YAML alias: edit it by hand")
        steps.append(Step(node, key, nxt))
        node = nxt
    return steps


def indent_step(steps: Sequence[Step]) -> int:
    """The file's indentation step: how far the nearest block mapping nested in another block
    mapping on the path is indented from its key (2 when the path shows none)."""
    for s in reversed(steps):
        if (
            s.key is not None
            and isinstance(s.node, yaml.MappingNode)
            and not s.node.flow_style
            and s.node.start_mark.line > s.key.start_mark.line
        ):
            step = s.node.start_mark.column - s.key.start_mark.column
            if step > 0:
                return int(step)
    return 2


# ---------------------------------------------------------------- spans


def value_end(text: str, node: yaml.Node) -> int:
    """A node's end without the line breaks a block scalar takes with it."""
    end = int(node.end_mark.index)
    while end > node.start_mark.index and text[end - 1] in _TRAILING:
        end -= 1
    return end


def value_span(text: str, node: yaml.Node) -> tuple[int, int]:
    """The characters of a scalar's value: inside its quotes, the content lines of a block
    scalar, the whole of a plain one."""
    start, end = int(node.start_mark.index), value_end(text, node)
    style = getattr(node, "style", None)
    if text[start] in "&!":
        raise _Unfixable("a value carries a YAML anchor or tag: edit it by hand")
    if style in ('"', "'") and end - start >= 2:
        return start + 1, end - 1
    if style in ("|", ">"):
        header_end = text.find("\n", start)
        content = header_end + 1
        while content < end and text[content] in " \t":
            content += 1
        if header_end < 0 or content >= end:
            raise _Unfixable("a block scalar's value cannot be told exactly: edit it by hand")
        return content, end
    return start, end


# ---------------------------------------------------------------- env literals


def env_edits(
    src: Source, docs: Sequence[Doc], plan: FilePlan, wanted: Mapping[tuple[str, str], Wanted], work: Work
) -> None:
    by_item: dict[tuple[ObjectRef, tuple[PathPart, ...]], list[Found]] = {}
    for f in plan.places(EnvPlace):
        place = f.place
        assert isinstance(place, EnvPlace)
        by_item.setdefault((place.obj, place.pointer), []).append(f)
    for found in by_item.values():
        place = found[0].place
        assert isinstance(place, EnvPlace)
        env_edit(src, docs, place, [f.ps for f in found], wanted, work)


def env_edit(
    src: Source,
    docs: Sequence[Doc],
    place: EnvPlace,
    secrets: list[PlannedSecret],
    wanted: Mapping[tuple[str, str], Wanted],
    work: Work,
) -> None:
    ident = f"{place.obj.ident} env {place.env}"
    node, _, _ = object_node(docs, place.obj)
    steps = walk(node, place.pointer, ident)
    item = steps[-1].node if steps else node
    name, values = child(item, "name"), pairs(item, "value")
    if not isinstance(name, yaml.ScalarNode) or name.value != place.env or len(values) != 1:
        raise _Unfixable(f"{ident} is not where the scan saw it: re-scan, then fix")
    if pairs(item, "valueFrom") or pairs(item, "<<"):
        raise _Unfixable(f"{ident} has valueFrom or a merge key beside its value: edit it by hand")
    key, value = values[0]
    if value.start_mark.index < key.end_mark.index:
        raise _Unfixable(f"{ident}: the value is a YAML alias (its text is shared): edit it by hand")
    if not isinstance(value, yaml.ScalarNode):
        raise _Unfixable(f"{ident}: the value is not a scalar: edit it by hand")
    # a block scalar's final line break is not part of the secret the scan found (nor of the
    # value migrated): the whole value, surrounding white space aside, must be that secret
    if not all(preview_fits(str(value.value).strip(), ps.preview) for ps in secrets):
        raise _Unfixable(f"{ident}: the secret is only part of the value (a URL?): edit it by hand")
    ps = secrets[0]
    ref = secret_ref(ps)
    check_ref_planned(ref, place, wanted, ident)
    mask = value_span(src.text, value)
    if getattr(item, "flow_style", False):
        replacement = flow_ref(ref, src.is_json or getattr(key, "style", None) == '"')
    else:
        replacement = block_ref(ref, int(key.start_mark.column), indent_step(steps), src.newline)
    work.edits.append(Edit(int(key.start_mark.index), value_end(src.text, value), replacement))
    work.masks.append(Mask(mask[0], mask[1], ps.preview))
    work.intents.append(Intent(place.obj, place.pointer, ref=ref))
    ks = ref["secretKeyRef"]
    work.notes.append(f"{ident} -> secretKeyRef {ks['name']}/{ks['key']}")


def check_ref_planned(
    ref: Mapping[str, Any], place: EnvPlace, wanted: Mapping[tuple[str, str], Wanted], ident: str
) -> None:
    """The Secret referenced is the one an ExternalSecret of the plan keeps, with that key."""
    ks = ref["secretKeyRef"]
    w = wanted.get((place.obj.namespace, ks["name"]))
    if w is None or ks["key"] not in w.entries or w.origin.startswith("the committed Secret"):
        raise _Unfixable(f"{ident}: the plan keeps no Secret {ks['name']} with key {ks['key']} for it: edit it by hand")


def scalar(text: str) -> str:
    """A YAML scalar for a name or key: plain when it reads back as the same string."""
    try:
        plain_ok = yaml.safe_load(text) == text and text.strip() == text and ":" not in text and "#" not in text
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok and text else json.dumps(text)


def block_ref(ref: Mapping[str, Any], column: int, step: int, newline: str) -> str:
    ks = ref["secretKeyRef"]
    inner, deeper = " " * (column + step), " " * (column + 2 * step)
    return newline.join(
        [
            "valueFrom:",
            f"{inner}secretKeyRef:",
            f"{deeper}name: {scalar(ks['name'])}",
            f"{deeper}key: {scalar(ks['key'])}",
        ]
    )


def flow_ref(ref: Mapping[str, Any], as_json: bool) -> str:
    ks = ref["secretKeyRef"]
    if as_json:
        return f'"valueFrom": {{"secretKeyRef": {{"name": {json.dumps(ks["name"])}, "key": {json.dumps(ks["key"])}}}}}'
    return f"valueFrom: {{secretKeyRef: {{name: {scalar(ks['name'])}, key: {scalar(ks['key'])}}}}}"


# ---------------------------------------------------------------- committed Secrets


def secret_edits(
    ctx: PlanContext,
    src: Source,
    docs: Sequence[Doc],
    plan: FilePlan,
    wanted: Mapping[tuple[str, str], Wanted],
    work: Work,
) -> None:
    by_obj: dict[ObjectRef, list[Found]] = {}
    for f in plan.places(SecretKeyPlace):
        place = f.place
        assert isinstance(place, SecretKeyPlace)
        by_obj.setdefault(place.obj, []).append(f)
    for obj, found in by_obj.items():
        node, doc, in_list = object_node(docs, obj)
        if in_list:
            raise _Unfixable(f"{obj.ident} is an item of a List: edit it by hand")
        w = wanted.get((obj.namespace, obj.name))
        if w is None or not w.origin.startswith("the committed Secret"):
            raise _Unfixable(f"{obj.ident}: the plan has no ExternalSecret replacing it: edit it by hand")
        replacement = external_secret(w, ctx.options)
        whole = all(d is doc or d.data is None for d in docs)
        if whole:
            start, end = 0, len(src.text)
        elif doc.start is None or src.is_json:
            raise _Unfixable(f"{obj.ident}: its document cannot be told apart from the others: edit it by hand")
        else:
            start, end = doc.start, doc.end
        if src.is_json:
            content = json.dumps(replacement, indent=2, ensure_ascii=False) + "\n"
        else:
            content = external_secret_artefact(w, ctx.options, SITE).content
        work.edits.append(Edit(start, end, content.replace("\n", src.newline)))
        work.masks += secret_masks(src.text, node, found)
        work.intents.append(Intent(obj, replacement=replacement, whole=whole))
        work.notes.append(f"{obj.ident} -> ExternalSecret {w.namespace}/{w.name}")
        work.secrets_replaced += 1


def secret_masks(text: str, node: yaml.Node, found: Sequence[Found]) -> list[Mask]:
    """A mask over every value of the Secret's data and stringData (flagged or not)."""
    previews: dict[str, set[str]] = {}
    for f in found:
        assert isinstance(f.place, SecretKeyPlace)
        previews.setdefault(f.place.key, set()).add(f.ps.preview)
    masks = []
    for section in ("data", "stringData"):
        entries = child(node, section)
        if not isinstance(entries, yaml.MappingNode):
            continue
        for k, v in entries.value:
            shown = previews.get(str(k.value), set())
            preview = next(iter(shown)) if len(shown) == 1 else HIDDEN
            if isinstance(v, yaml.ScalarNode):
                start, end = value_span(text, v)
            else:
                start, end = int(v.start_mark.index), value_end(text, v)
            if end > start:
                masks.append(Mask(start, end, preview))
    return masks


# ---------------------------------------------------------------- the check


def verify(src: Source, docs: Sequence[Doc], after: str, intents: Sequence[Intent]) -> None:
    """The edited text loads to the old documents with exactly the intended change made."""
    expected = intended([copy.deepcopy(d.data) for d in docs], intents)
    try:
        got = list(yaml.safe_load_all(after))
    except (yaml.YAMLError, RecursionError):
        raise _Unfixable("the edited file would not parse: edit it by hand") from None
    if got != expected:
        raise _Unfixable("the edited file would not hold exactly the intended change: edit it by hand")
    if src.is_json:
        try:
            old, new = json.loads(src.text), json.loads(after)
        except ValueError:
            raise _Unfixable("the JSON would not parse after the edit: edit it by hand") from None
        if new != intended([old], intents)[0]:
            raise _Unfixable("the edited JSON would not hold exactly the intended change: edit it by hand")


def intended(documents: list[Any], intents: Sequence[Intent]) -> list[Any]:
    for intent in intents:
        if intent.replacement is not None and intent.whole:
            return [copy.deepcopy(dict(intent.replacement))]
        if intent.replacement is not None:
            documents = [
                copy.deepcopy(dict(intent.replacement)) if object_ref(d) == intent.obj else d for d in documents
            ]
            continue
        item = node_at(find_object(documents, intent.obj), intent.pointer)
        if isinstance(item, dict):
            item.pop("value", None)
            item["valueFrom"] = copy.deepcopy(dict(intent.ref or {}))
    return documents
