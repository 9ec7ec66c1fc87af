"""Workload patches, patched manifests and the removal of committed Secrets, generated from real
scans, validated with `kubernetes-validate`, applied with `kubectl patch --local`, and scanned
again: none of the values found may be left."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from artefact_fixtures import DATA, FIXTURES, Scanned, by_path, context, leaked, scan_root, shared_scan, tool

from secretscan.remediation import k8s_patch
from secretscan.remediation.artefact_names import env_name, workload_secret_name
from secretscan.remediation.artefact_places import (
    ArgPlace,
    ConfigMapPlace,
    EnvPlace,
    SecretKeyPlace,
    find_object,
    k8s_place,
    load_documents,
    node_at,
    object_ref,
)
from secretscan.remediation.model import Artefact

K8S_VERSION = kubernetes_validate.latest_version()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"k8s": DATA / "remediation" / "k8s"})


@pytest.fixture(scope="module")
def k8s_only(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"k8s": FIXTURES / "k8s"})


def write(artefacts: list[Artefact], folder: Path) -> Path:
    for art in artefacts:
        path = folder / art.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(art.content, encoding="utf-8")
    return folder


def test_patched_manifests_validate_against_the_kubernetes_schemas(shop: Scanned) -> None:
    arts = by_path(k8s_patch.generate(context(shop)))
    patched = yaml.safe_load_all(arts["kubernetes/patched/k8s/shop.yaml"].content)
    kinds = []
    for doc in patched:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # raises on any schema error
        kinds.append(doc["kind"])
    assert kinds == ["Deployment", "CronJob", "ConfigMap"]  # the Secret is gone: an ExternalSecret keeps it


def test_the_original_shop_manifests_are_valid_too(shop: Scanned) -> None:
    """The test data is itself valid, so a failure above is the patch's doing."""
    for doc in yaml.safe_load_all((DATA / "remediation" / "k8s" / "shop.yaml").read_text()):
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_every_value_found_in_the_shop_becomes_a_reference(shop: Scanned) -> None:
    ctx = context(shop)
    arts = by_path(k8s_patch.generate(ctx))
    patched = list(yaml.safe_load_all(arts["kubernetes/patched/k8s/shop.yaml"].content))
    envs = {loc["locator"].rsplit("env=", 1)[-1] for ps in ctx.secrets for loc in ps.locations if "env=" in loc.get("locator", "")}
    assert {"PAYMENT_API_TOKEN", "SMTP_PASSWORD"} <= envs  # the env literals of the test data are found
    checked = 0
    for ps in ctx.secrets:
        for loc in ps.locations:
            place = k8s_place(loc)
            ref = {"secretKeyRef": {"name": workload_secret_name(ps), "key": "value"}}
            obj = find_object(patched, place.obj) if place is not None else None
            if isinstance(place, EnvPlace):
                assert node_at(obj, place.pointer) == {"name": place.env, "valueFrom": ref}
            elif isinstance(place, ArgPlace):
                var = env_name(ps.env_var)
                assert f"$({var})" in node_at(obj, place.pointer)
                assert {"name": var, "valueFrom": ref} in node_at(obj, place.pointer[:-2])["env"]
            elif isinstance(place, ConfigMapPlace):
                assert place.key not in obj["data"]
            elif isinstance(place, SecretKeyPlace):
                assert obj is None  # the Secret is gone from the manifest: an ExternalSecret keeps it
            else:
                continue
            checked += 1
    assert checked >= 4
    web = patched[0]["spec"]["template"]["spec"]["containers"][0]
    assert web["env"][0] == {"name": "LOG_LEVEL", "value": "info"}  # what was not a secret stays as it was
    assert web["env"][2] == {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "shop-db", "key": "password"}}}
    assert patched[2]["data"]["LOG_FORMAT"] == "json"
    script = arts["kubernetes/remove-committed-secrets.sh"].content
    assert 'git rm -- "k8s/shop-secrets.yaml"' in script
    assert 'cp -- "$PLAN/kubernetes/patched/k8s/shop.yaml" "k8s/shop.yaml"' in script
    assert script.index("kubectl wait --for=condition=Ready externalsecret/shop-api -n shop") < script.index("git rm")


def test_nothing_found_is_left_in_any_artefact(shop: Scanned, k8s_only: Scanned, tmp_path: Path) -> None:
    for scanned in (shop, k8s_only):
        arts = k8s_patch.generate(context(scanned))
        assert scanned.revealed and leaked(arts, scanned.revealed) == []
    rescan = scan_root(write(k8s_patch.generate(context(shop)), tmp_path / "out"))
    assert rescan.doc["items"] == []  # the scanner finds nothing in the patched files


def test_fixture_workloads_are_patched_and_secret_files_removed(k8s_only: Scanned, tmp_path: Path) -> None:
    """One patch pair per workload holding an env literal the scan found; the Secret-only file goes."""
    arts = by_path(k8s_patch.generate(context(k8s_only)))
    workloads = {
        (loc["path"].rsplit(".", 1)[0], k8s_place(loc).obj)  # type: ignore[union-attr]
        for ps in context(k8s_only).secrets for loc in ps.locations if isinstance(k8s_place(loc), EnvPlace)
    }  # fmt: skip
    patches = {
        f"kubernetes/patches/{stem}/{obj.kind.lower()}-{obj.namespace}-{obj.name}.{suffix}"
        for stem, obj in workloads for suffix in ("strategic.yaml", "json-patch.json")
    }  # fmt: skip
    assert {p for p in arts if "/patches/" in p} == patches and len(patches) >= 4
    assert {p for p in arts if "/patches/" not in p} == {
        "kubernetes/patched/k8s/list.json",
        "kubernetes/patched/k8s/workloads.yaml",
        "kubernetes/remove-committed-secrets.sh",
    }
    script = arts["kubernetes/remove-committed-secrets.sh"].content
    assert 'git rm -- "k8s/secrets.yaml"' in script and "MANUAL" not in script
    listing = json.loads(arts["kubernetes/patched/k8s/list.json"].content)
    assert [i["kind"] for i in listing["items"]] == ["Pod"]  # the List's Secret is gone
    rescan = scan_root(write(list(arts.values()), tmp_path / "out"))
    assert rescan.doc["items"] == []


def env_refs(doc: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """(container, env name) -> env item, over every container group of a pod template."""
    spec = doc["spec"]
    for part in ("jobTemplate", "spec", "template", "spec"):
        if part in spec and "containers" not in spec:
            spec = spec[part]
    out = {}
    for group in ("initContainers", "containers"):
        for c in spec.get(group, []):
            for e in c.get("env", []):
                out[(c["name"], e["name"])] = e
    return out


@pytest.mark.parametrize("scanned_name", ["shop", "k8s_only"])
@pytest.mark.parametrize("patch_type", ["strategic", "json"])
def test_patches_applied_by_kubectl_give_the_patched_manifest(
    scanned_name: str, patch_type: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    scanned: Scanned = request.getfixturevalue(scanned_name)
    kubectl = tool("kubectl")
    arts = by_path(k8s_patch.generate(context(scanned)))
    suffix = ".strategic.yaml" if patch_type == "strategic" else ".json-patch.json"
    patches = [a for p, a in arts.items() if p.endswith(suffix)]
    assert patches
    for patch in patches:
        strategic = arts[patch.path.replace(".json-patch.json", ".strategic.yaml")]
        obj = object_ref(yaml.safe_load(strategic.content))
        assert obj is not None
        source = patch.path.split("/patches/", 1)[1].rsplit("/", 1)[0]
        source_path = next(scanned.root.glob(source + ".*"))
        patched_doc = find_object(load_documents(arts[f"kubernetes/patched/{source_path.relative_to(scanned.root)}"].content) or [], obj)
        original = find_object(load_documents(source_path.read_text()) or [], obj)
        assert original is not None and patched_doc is not None
        (tmp_path / "obj.json").write_text(json.dumps(original))
        patch_text = json.dumps(yaml.safe_load(patch.content)) if patch_type == "strategic" else patch.content
        out = subprocess.run(
            [kubectl, "patch", "--local", "-f", str(tmp_path / "obj.json"), "--type", patch_type, "-p", patch_text, "-o", "json"],
            capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "KUBECONFIG": str(tmp_path / "none")},
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        applied = env_refs(json.loads(out.stdout))
        expected = env_refs(patched_doc)
        changed = {k for k, v in env_refs(original).items() if "value" in v and expected.get(k) != v}
        assert changed and {k: applied[k] for k in changed} == {k: expected[k] for k in changed}


def test_a_value_that_cannot_be_located_exactly_leaves_the_file_to_a_person(k8s_only: Scanned) -> None:
    ctx = context(k8s_only)
    wrong = tuple(replace(ps, preview="Xx…") if ps.name == "manifest-secret" else ps for ps in ctx.secrets)
    arts = by_path(k8s_patch.generate(replace(ctx, secrets=wrong)))
    assert "kubernetes/patched/k8s/workloads.yaml" not in arts
    assert "kubernetes/patches/k8s/workloads/deployment-prod-api.strategic.yaml" in arts
    script = arts["kubernetes/remove-committed-secrets.sh"].content
    assert "# MANUAL: k8s/workloads.yaml: the value at line 17 (Deployment/prod/api container=api args[1]) cannot be located exactly" in script


def test_without_the_scanned_files_only_patches_are_written(k8s_only: Scanned) -> None:
    arts = by_path(k8s_patch.generate(context(k8s_only, with_root=False)))
    assert not [p for p in arts if "/patched/" in p]
    strategic = yaml.safe_load(arts["kubernetes/patches/k8s/list/pod-default-probe.strategic.yaml"].content)
    assert strategic == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "probe", "namespace": "default"},
        "spec": {"containers": [
            {"name": "c", "env": [{"name": "ADMIN_PASSWORD", "value": None,
                                   "valueFrom": {"secretKeyRef": {"name": "probe-admin-password", "key": "value"}}}]}
        ]},
    }  # fmt: skip
    assert "# MANUAL: k8s/secrets.yaml: the plan has no access to the scanned file" in arts["kubernetes/remove-committed-secrets.sh"].content
