"""Kubernetes manifests without their secrets: the patch for each workload that replaces an env
literal (``value:``) with ``valueFrom.secretKeyRef`` (a strategic-merge patch and an RFC 6902
JSON patch, both usable with ``kubectl patch`` or Kustomize), the full patched manifest of each
file, and the removal of committed Secret manifests, each after the ExternalSecret that replaces
it is Ready.

The Secret a workload now reads is the one ``eso`` writes (``<service>-<name>``, key: the
backend key). The full manifest of a file is written only when the plan knows where the scanned
files are and can take out EVERY value found in that file: env literals become references,
credentials in ``command``/``args`` become ``$(VAR)`` (expanded by the kubelet from an env
reference added to the container), ConfigMap keys move to Secrets, committed Secrets go. A value
whose exact place cannot be told is not guessed at: the file is then listed for manual editing.
Comments of the original YAML are not kept (the file is re-serialised).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from secretscan.remediation.artefact_names import env_name, workload_secret_key, workload_secret_name
from secretscan.remediation.artefact_places import (
    ArgPlace,
    ConfigMapPlace,
    EnvPlace,
    K8sPlace,
    ObjectRef,
    PathPart,
    SecretKeyPlace,
    apply_edits,
    find_object,
    k8s_place,
    line_starts,
    live_locations,
    load_documents,
    node_at,
    object_ref,
    read_source,
    secret_span,
)
from secretscan.remediation.artefact_render import json_text, shell_script, yaml_docs
from secretscan.remediation.eso import OUT as ESO_OUT
from secretscan.remediation.eso import external_secrets_wanted
from secretscan.remediation.model import Artefact, PlanContext, PlannedSecret

OUT = "kubernetes"
_API_VERSIONS = {
    "Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ReplicaSet": "apps/v1",
    "Job": "batch/v1", "CronJob": "batch/v1", "Pod": "v1", "ReplicationController": "v1",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Found:
    """A place found in a file, with its planned secret and the location dict it came from."""

    place: K8sPlace | None
    ps: PlannedSecret
    loc: Mapping[str, Any]


@dataclass
class FilePlan:
    path: str
    found: list[Found] = field(default_factory=list)

    def places(self, kind: type) -> list[Found]:
        return [f for f in self.found if isinstance(f.place, kind)]


def generate(ctx: PlanContext) -> list[Artefact]:
    files = files_with_k8s_values(ctx)
    out: list[Artefact] = []
    manual: list[tuple[str, str]] = []
    patched: dict[str, str | None] = {}  # path -> artefact path of its patched version (None: file goes)
    for path in sorted(files):
        plan = files[path]
        out += workload_patches(ctx, plan)
        result = patched_manifest(ctx, plan)
        if isinstance(result, str):
            manual.append((path, result))
        else:
            if result is not None:
                out.append(result)
            patched[path] = result.path if result is not None else None
    script = removal_script(ctx, files, patched, manual)
    if script is not None:
        out.append(script)
    return out


def files_with_k8s_values(ctx: PlanContext) -> dict[str, FilePlan]:
    """Every file holding a Kubernetes place, with EVERY live location found in it (of any kind:
    the full manifest must take them all out)."""
    files: dict[str, FilePlan] = {}
    for ps in ctx.secrets:
        for loc in live_locations(ps):
            place = k8s_place(loc)
            if place is not None:
                files.setdefault(place.path, FilePlan(place.path))
    for ps in ctx.secrets:
        for loc in live_locations(ps):
            path = str(loc.get("path", ""))
            if path in files:
                files[path].found.append(Found(k8s_place(loc), ps, loc))
    return files


# ---------------------------------------------------------------- patches (no source needed)


def secret_ref(ps: PlannedSecret) -> dict[str, Any]:
    return {"secretKeyRef": {"name": workload_secret_name(ps), "key": workload_secret_key(ps)}}


def workload_patches(ctx: PlanContext, plan: FilePlan) -> list[Artefact]:
    """A strategic-merge and a JSON patch per workload with env literals."""
    by_object: dict[ObjectRef, list[Found]] = {}
    for f in plan.places(EnvPlace):
        by_object.setdefault(f.place.obj, []).append(f)  # type: ignore[union-attr]
    text = read_source(ctx, plan.path)
    documents = load_documents(text) if text is not None else None
    out: list[Artefact] = []
    for obj, found in sorted(by_object.items(), key=lambda kv: kv[0].ident):
        original = find_object(documents, obj) if documents else None
        api = str(original.get("apiVersion")) if original else _API_VERSIONS.get(obj.kind, "apps/v1")
        base = f"{OUT}/patches/{PurePosixPath(plan.path).with_suffix('').as_posix()}/{obj.kind.lower()}-{obj.namespace}-{obj.name}"
        fps = tuple(dict.fromkeys(f.ps.fingerprint for f in found))
        envs = ", ".join(sorted({f.place.env for f in found}))  # type: ignore[union-attr]
        header = [
            f"{obj.ident} ({plan.path}): env {envs} read from Secrets kept by External Secrets Operator.",
            f"kubectl patch {obj.kind.lower()} {obj.name} -n {obj.namespace} --type strategic --patch-file <this file>",
            "(or list it under `patches:` in a kustomization). No value is written here.",
        ]
        out.append(
            Artefact(
                path=f"{base}.strategic.yaml",
                content=yaml_docs([strategic_patch(obj, api, found)], header),
                kind="workload-patch",
                description=f"strategic-merge patch of {obj.ident}: env literals -> secretKeyRef",
                fingerprints=fps,
            )
        )
        out.append(
            Artefact(
                path=f"{base}.json-patch.json",
                content=json_text(json_patch(found)),
                kind="workload-patch",
                description=(
                    f"JSON patch (RFC 6902) of {obj.ident}: env literals -> secretKeyRef; "
                    f"kubectl patch {obj.kind.lower()} {obj.name} -n {obj.namespace} --type json --patch-file <file>"
                ),
                fingerprints=fps,
            )
        )
    return out


def strategic_patch(obj: ObjectRef, api: str, found: list[Found]) -> dict[str, Any]:
    """Env items merge by name; ``value: null`` deletes the literal."""
    patch: dict[str, Any] = {"apiVersion": api, "kind": obj.kind, "metadata": {"name": obj.name, "namespace": obj.namespace}}
    for f in found:
        place = f.place
        assert isinstance(place, EnvPlace)
        spec_path, group = place.pointer[:-4], str(place.pointer[-4])
        node = patch
        for part in spec_path:
            node = node.setdefault(str(part), {})
        containers = node.setdefault(group, [])
        container = next((c for c in containers if c["name"] == place.container), None)
        if container is None:
            container = {"name": place.container, "env": []}
            containers.append(container)
        if not any(e["name"] == place.env for e in container["env"]):
            container["env"].append({"name": place.env, "value": None, "valueFrom": secret_ref(f.ps)})
    return patch


def pointer_text(parts: tuple[PathPart, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def json_patch(found: list[Found]) -> list[dict[str, Any]]:
    """Each env item checked by name first (a moved item fails the patch instead of hitting the
    wrong variable), then its literal removed and the reference added."""
    ops: list[dict[str, Any]] = []
    seen: set[tuple[PathPart, ...]] = set()
    for f in found:
        place = f.place
        assert isinstance(place, EnvPlace)
        if place.pointer in seen:
            continue
        seen.add(place.pointer)
        item = pointer_text(place.pointer)
        ops += [
            {"op": "test", "path": f"{item}/name", "value": place.env},
            {"op": "remove", "path": f"{item}/value"},
            {"op": "add", "path": f"{item}/valueFrom", "value": secret_ref(f.ps)},
        ]
    return ops


# ---------------------------------------------------------------- the full patched manifest


def patched_manifest(ctx: PlanContext, plan: FilePlan) -> Artefact | str | None:
    """The file with every value taken out; None when nothing is left of it (only Secrets);
    a string saying why when it cannot be written."""
    text = read_source(ctx, plan.path)
    if text is None:
        return "the plan has no access to the scanned file (no root given): edit it by hand with the patches"
    edits, env_adds, why = text_edits(text, plan)
    if why:
        return why
    documents = load_documents(apply_edits(text, edits))
    if documents is None:
        return "not plain YAML/JSON (a template?): edit it by hand with the patches"
    unresolved = structural_edits(documents, plan, env_adds)
    if unresolved:
        return unresolved
    kept = strip_secrets(documents, {f.place.obj for f in plan.places(SecretKeyPlace)})  # type: ignore[union-attr]
    if not kept:
        return None
    fps = tuple(dict.fromkeys(f.ps.fingerprint for f in plan.found))
    if plan.path.endswith(".json"):
        content = "".join(json_text(d) for d in kept)
    else:
        content = yaml_docs(kept, [f"{plan.path} with every value secretscan found taken out (comments of the original are not kept)."])
    return Artefact(
        path=f"{OUT}/patched/{plan.path}",
        content=content,
        kind="patched-manifest",
        description=f"{plan.path} without its secrets: replace the file with this one",
        fingerprints=fps,
    )


@dataclass(frozen=True, slots=True)
class EnvAdd:
    """An env reference to add to a container whose command or args now say ``$(NAME)``."""

    obj: ObjectRef
    container_pointer: tuple[PathPart, ...]
    name: str
    ps: PlannedSecret


def text_edits(text: str, plan: FilePlan) -> tuple[list[tuple[int, int, str]], list[EnvAdd], str]:
    """Spans to rewrite before parsing (values inside strings: command lines, embedded
    files), the env references they need, or why the file cannot be rewritten safely."""
    starts = line_starts(text)
    edits: list[tuple[int, int, str]] = []
    adds: list[EnvAdd] = []
    for f in plan.found:
        place = f.place
        if isinstance(place, (EnvPlace, SecretKeyPlace)) or (isinstance(place, ConfigMapPlace) and not place.inner):
            continue  # structural edits
        span = secret_span(text, starts, f.loc, f.ps.preview)
        if place is None or span is None:
            return [], [], f"the value at line {f.loc.get('line')} ({f.loc.get('locator', '?')}) cannot be located exactly: edit it by hand"
        name = env_name(f.ps.env_var)
        if isinstance(place, ArgPlace):
            edits.append((span[0], span[1], f"$({name})"))
            adds.append(EnvAdd(place.obj, place.pointer[:-2], name, f.ps))
        else:
            edits.append((span[0], span[1], "${" + name + "}"))
    return edits, adds, ""


def structural_edits(documents: list[Any], plan: FilePlan, adds: list[EnvAdd]) -> str:
    for f in plan.places(EnvPlace):
        place = f.place
        assert isinstance(place, EnvPlace)
        item = node_at(find_object(documents, place.obj), place.pointer)
        if not isinstance(item, dict) or item.get("name") != place.env:
            return f"{place.obj.ident} env {place.env} is not where the scan saw it: re-scan, then plan again"
        item.pop("value", None)
        item["valueFrom"] = secret_ref(f.ps)
    for add in adds:
        container = node_at(find_object(documents, add.obj), add.container_pointer)
        if not isinstance(container, dict):
            return f"{add.obj.ident}: container not found for an argument: edit it by hand"
        env = container.setdefault("env", [])
        if not any(isinstance(e, dict) and e.get("name") == add.name for e in env):
            env.append({"name": add.name, "valueFrom": secret_ref(add.ps)})
    for f in plan.places(ConfigMapPlace):
        place = f.place
        assert isinstance(place, ConfigMapPlace)
        if place.inner:
            continue
        data = node_at(find_object(documents, place.obj), ("data",))
        if not isinstance(data, dict) or place.key not in data:
            return f"{place.obj.ident} key {place.key} not found: re-scan, then plan again"
        del data[place.key]
    return ""


def strip_secrets(documents: list[Any], gone: set[ObjectRef]) -> list[Any]:
    kept = []
    for doc in documents:
        if doc is None or object_ref(doc) in gone:
            continue
        items = doc.get("items") if isinstance(doc, dict) else None
        if isinstance(items, list) and str(doc.get("kind", "")).endswith("List"):
            doc = copy.copy(doc)
            doc["items"] = [i for i in items if object_ref(i) not in gone]
        kept.append(doc)
    return kept


# ---------------------------------------------------------------- removal of committed Secrets


def removal_script(
    ctx: PlanContext, files: dict[str, FilePlan], patched: dict[str, str | None], manual: list[tuple[str, str]]
) -> Artefact | None:
    """Per committed Secret: apply its ExternalSecret, wait until it is Ready (the Secret is then
    kept by the operator), and only then take the manifest out of git."""
    secrets: dict[ObjectRef, tuple[str, list[str]]] = {}
    for path, plan in files.items():
        for f in plan.places(SecretKeyPlace):
            obj = f.place.obj  # type: ignore[union-attr]
            secrets.setdefault(obj, (path, []))[1].append(f.ps.fingerprint)
    if not secrets and not patched and not manual:
        return None
    lines: list[str] = ['PLAN="${PLAN:-./plan}"  # the plan folder', ""]
    wanted = external_secrets_wanted(ctx)
    for namespace in sorted({w.namespace for w in wanted}):
        lines.append(f'kubectl apply -f "$PLAN/{ESO_OUT}/{namespace}/"  # its SecretStores and ExternalSecrets')
    for w in wanted:
        lines.append(f"kubectl wait --for=condition=Ready externalsecret/{w.name} -n {w.namespace} --timeout=120s  # {w.origin}")
    lines.append("")
    for path, result in sorted(patched.items()):
        if result is None:
            lines.append(f"git rm -- {json.dumps(path)}  # held only Secrets, now kept by External Secrets Operator")
        else:
            lines.append(f'cp -- "$PLAN/{result}" {json.dumps(path)}  # the file without its values')
    for path, why in manual:
        lines.append(f"# MANUAL: {path}: {why}")
    lines += ["", 'git commit -m "Move secrets out of the Kubernetes manifests" -- ' + " ".join(json.dumps(p) for p in sorted(files))]
    header = [
        "Takes the committed secrets out of the manifests, in order: each ExternalSecret first, Ready,",
        "then the manifest. Run it from the repository root, with PLAN set to the plan folder.",
        "This removes the values from the tip only: rotate every value, then purge the history.",
    ]
    return Artefact(
        path=f"{OUT}/remove-committed-secrets.sh",
        content=shell_script(lines, header),
        kind="secret-removal",
        description="removal of committed Secret manifests and literal values, each after its ExternalSecret is Ready",
        fingerprints=tuple(dict.fromkeys(fp for plan in files.values() for f in plan.found for fp in [f.ps.fingerprint])),
    )
