"""The External Secrets Operator objects a fixed manifest needs, written beside it.

A workload whose env literal became ``secretKeyRef: {name: billing-stripe-api-key}`` reads a
Secret that nothing in the repository creates yet, and an ExternalSecret that replaced a
committed Secret needs its SecretStore. So each folder whose manifests ``fix`` changes gets one
``external-secrets.yaml`` holding, once each, the ExternalSecrets those manifests now read, the
SecretStores (and dynamic-secret generators) those ExternalSecrets use: the plan's own objects,
word for word. Deploying the folder then works without the plan folder at hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from secretscan.apply.model import Edit, FileChange
from secretscan.remediation import eso
from secretscan.remediation.artefact_places import source_root
from secretscan.remediation.model import PlanContext

NAME = "external-secrets.yaml"
Key = tuple[str, str, str]  # kind, namespace, name


def companions(ctx: PlanContext, k8s_changes: Sequence[FileChange]) -> list[FileChange]:
    root = source_root(ctx)
    if root is None or not k8s_changes:
        return []
    objects = plan_objects(ctx)
    by_folder: dict[str, list[FileChange]] = {}
    for c in k8s_changes:
        by_folder.setdefault(PurePosixPath(c.path).parent.as_posix(), []).append(c)
    out: list[FileChange] = []
    for folder, changes in sorted(by_folder.items()):
        docs = [d for c in changes for d in after_docs(root, c)]
        wanted = needed(docs, objects)
        if not wanted:
            continue
        path = NAME if folder == "." else f"{folder}/{NAME}"
        text = "---\n".join(objects[k][0] for k in wanted)
        fps = tuple(dict.fromkeys(fp for c in changes for fp in c.fingerprints))
        names = ", ".join(f"{k[0]} {k[1]}/{k[2]}" for k in wanted)
        out.append(
            FileChange(
                path,
                "k8s-external-secrets",
                f"the objects the fixed manifests read: {names}",
                None,
                (Edit(0, 0, text),),
                (),
                fps,
            )
        )
    return out


def plan_objects(ctx: PlanContext) -> dict[Key, tuple[str, Mapping[str, Any]]]:
    """Every ExternalSecret, SecretStore and generator the plan writes, with its text."""
    out: dict[Key, tuple[str, Mapping[str, Any]]] = {}
    for art in eso.generate(ctx):
        for doc in yaml.safe_load_all(art.content):
            if isinstance(doc, dict) and doc.get("kind") in ("ExternalSecret", "SecretStore", "VaultDynamicSecret"):
                meta = doc.get("metadata") or {}
                out[(str(doc["kind"]), str(meta.get("namespace", "")), str(meta.get("name", "")))] = (art.content, doc)
    return out


def after_docs(root: Path, change: FileChange) -> list[Mapping[str, Any]]:
    try:
        before = (root / change.path).read_bytes().decode("utf-8")
        after = change.after_text(before)
        docs = list(yaml.safe_load_all(after)) if after is not None else []
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    return [d for d in docs if isinstance(d, dict)]


def needed(docs: Iterable[Mapping[str, Any]], objects: Mapping[Key, tuple[str, Mapping[str, Any]]]) -> list[Key]:
    docs = list(docs)
    present = {_key(d) for d in docs}
    queue: list[Key] = []
    for d in docs:
        ns = str((d.get("metadata") or {}).get("namespace", ""))
        queue += [("ExternalSecret", ns, name) for name in secret_refs(d)]
        if d.get("kind") == "ExternalSecret":
            queue += refs_of(d)
    out: list[Key] = []
    while queue:
        key = queue.pop(0)
        if key in present or key in out or key not in objects:
            continue
        out.append(key)
        queue += refs_of(objects[key][1])
    return out


def _key(d: Mapping[str, Any]) -> Key:
    meta = d.get("metadata") or {}
    return (str(d.get("kind", "")), str(meta.get("namespace", "")), str(meta.get("name", "")))


def secret_refs(node: Any) -> list[str]:
    """Names of Secrets read through ``secretKeyRef`` anywhere in a manifest."""
    out: list[str] = []
    if isinstance(node, dict):
        ref = node.get("secretKeyRef")
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            out.append(ref["name"])
        for v in node.values():
            out += secret_refs(v)
    elif isinstance(node, list):
        for v in node:
            out += secret_refs(v)
    return out


def refs_of(doc: Mapping[str, Any]) -> list[Key]:
    """The SecretStore and generators an ExternalSecret uses."""
    ns = str((doc.get("metadata") or {}).get("namespace", ""))
    spec = doc.get("spec") or {}
    out: list[Key] = []
    store = spec.get("secretStoreRef") or {}
    if store.get("kind", "SecretStore") == "SecretStore" and store.get("name"):
        out.append(("SecretStore", ns, str(store["name"])))
    for item in spec.get("dataFrom") or []:
        gen = ((item or {}).get("sourceRef") or {}).get("generatorRef") or {}
        if gen.get("name"):
            out.append((str(gen.get("kind", "")), ns, str(gen["name"])))
    return out
