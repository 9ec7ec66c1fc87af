"""The artefact generators inside a whole plan (the real planner, every registered generator):
no two write the same file, no file holds a value the scan found, every Kubernetes and ESO
manifest among them validates."""

from __future__ import annotations

import json

import kubernetes_validate
import pytest
import yaml
from artefact_fixtures import DATA, FIXTURES, Scanned, eso_errors, leaked, shared_scan

from secretscan.remediation.artefact_places import ROOT_KEY
from secretscan.remediation.build import make_plan
from secretscan.remediation.model import Backend, PlanOptions, Target

MINE = ("kubernetes/", "gitops/", "docker/", "application/", "cicd/", "cloud/")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return shared_scan(
        tmp_path_factory, {"shop": DATA / "remediation" / "k8s", "docker": FIXTURES / "docker", "spring": FIXTURES / "spring"}
    )


@pytest.mark.parametrize(
    "options",
    [
        PlanOptions(),
        PlanOptions(backend=Backend.AWS),
        PlanOptions(backend=Backend.AZURE, target=Target.APPLICATION),
        PlanOptions(backend=Backend.GCP),
        PlanOptions(target=Target.CICD),
    ],
)
def test_a_whole_plan_holds_valid_manifests_and_no_value(scanned: Scanned, options: PlanOptions) -> None:
    plan = make_plan({**scanned.doc, ROOT_KEY: str(scanned.root)}, options)  # make_plan raises on a shared path
    mine = [a for a in plan.files if a.path.startswith(MINE)]
    assert {a.path.split("/", 1)[0] for a in mine} >= {"kubernetes", "gitops", "docker", "application"}
    assert scanned.revealed and leaked(plan.files, scanned.revealed) == []
    assert not [a.path for a in mine if a.path.endswith("MANUAL.txt")]
    for art in mine:
        if art.kind in ("external-secret", "secret-store"):
            assert eso_errors(yaml.safe_load(art.content)) == [], art.path
        elif art.kind in ("patched-manifest", "sops-secret-manifest"):
            docs = [json.loads(art.content)] if art.path.endswith(".json") else list(yaml.safe_load_all(art.content))
            for doc in docs:
                kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)
