"""`secretscan plan` end to end: a repository of Kubernetes services with hard-coded credentials
becomes a plan folder whose plan.json validates against its schema, whose every file is free of
the secret values, written atomically; bad options are one-line usage errors."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from plan_fixtures import GITHUB, PG_URL, STRIPE, inventory

DB_PASSWORD = "Pg-Billing-Pw-77x!"
STRIPE_VALUE = "sk_live_51Hq8ZtKz3Yw9LmNpQr4StUvWx7Ab2Cd5Ef8Gh1Jk4Lm7Np0Qr"
GITHUB_VALUE = "ghp_Q7wErT9yUi3oPa5sDf1gHj8kLz2xCv6bNm4R"
URL_PASSWORD = "Api-Db-Pw-4421q"
SECRETS = (DB_PASSWORD, STRIPE_VALUE, GITHUB_VALUE, URL_PASSWORD)

SECRET_YAML = f"""apiVersion: v1
kind: Secret
metadata:
  name: billing-db
  namespace: payments
type: Opaque
data:
  password: {base64.b64encode(DB_PASSWORD.encode()).decode()}
stringData:
  stripe-key: {STRIPE_VALUE}
"""
DEPLOYMENT_YAML = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: api
          image: acme/api:1.0
          env:
            - name: GITHUB_TOKEN
              value: {GITHUB_VALUE}
            - name: DATABASE_URL
              value: postgresql://api:{URL_PASSWORD}@db.internal:5432/api
"""


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "secretscan", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def k8s_repo(root: Path) -> Path:
    (root / "services/billing/k8s").mkdir(parents=True)
    (root / "services/api/k8s").mkdir(parents=True)
    (root / "services/billing/k8s/secret.yaml").write_text(SECRET_YAML)
    (root / "services/api/k8s/deployment.yaml").write_text(DEPLOYMENT_YAML)
    return root


@pytest.fixture(scope="module")
def planned(tmp_path_factory):  # type: ignore[no-untyped-def]
    root = k8s_repo(tmp_path_factory.mktemp("shop"))
    out = root.parent / "plan-out"
    res = cli("plan", str(root), "--output", str(out), "--compliance", "soc2,PCI-DSS")
    return root, out, res


def schema() -> dict:  # type: ignore[type-arg]
    return json.loads(resources.files("secretscan.schemas").joinpath("plan-v1.json").read_text())  # type: ignore[no-any-return]


def test_the_plan_is_written_and_valid(planned) -> None:  # type: ignore[no-untyped-def]
    _, out, res = planned
    assert res.returncode == 0, res.stderr
    doc = json.loads((out / "plan.json").read_text())
    jsonschema.Draft7Validator(schema()).validate(doc)
    assert res.stderr.startswith(f"secretscan: plan for 4 secret(s) (vault, kubernetes (detected)) written to {out}: ")
    assert {a["path"] for a in doc["artefacts"]} | {"plan.json", "README.md"} == {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
    }


def test_no_plan_file_contains_a_secret_value(planned) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = planned
    forms = {s for v in SECRETS for s in (v, base64.b64encode(v.encode()).decode())}
    leaks = [
        (p.relative_to(out).as_posix(), s)
        for p in out.rglob("*")
        if p.is_file()
        for s in forms
        if s in p.read_text(errors="replace")
    ]
    assert leaks == []


def test_the_secrets_get_exact_places(planned) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = planned
    doc = json.loads((out / "plan.json").read_text())
    got = {
        (s["service"], s["env_var"], s["backend_path"], s["rotation"], s["dynamic_path"], s["namespace"])
        for s in doc["secrets"]
    }
    assert got == {
        ("api", "GITHUB_TOKEN", "secret/data/prod/api/github-token", "automatic", None, "prod"),
        (
            "api",
            "DATABASE_URL",
            "secret/data/prod/api/database-url",
            "dynamic",
            "database/creds/prod-api-database-url",
            "prod",
        ),
        ("billing-db", "PASSWORD", "secret/data/prod/billing-db/password", "automatic", None, "payments"),
        ("billing-db", "STRIPE_KEY", "secret/data/prod/billing-db/stripe-key", "automatic", None, "payments"),
    }
    assert (out / "vault/policies/prod-api.hcl").is_file() and (out / "vault/policies/prod-billing-db.hcl").is_file()
    assert (out / "vault/database/prod-api-database-url/postgresql/role.json").is_file()
    assert (out / "vault/database/prod-api-database-url/mysql/role.json").is_file()  # flavour unknown: both


def test_steps_are_ordered_by_phase_and_cover_every_secret(planned) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = planned
    doc = json.loads((out / "plan.json").read_text())
    steps = doc["steps"]
    assert [s["order"] for s in steps] == list(range(1, len(steps) + 1))
    assert [s["phase"] for s in steps] == ["prepare"] * 3 + ["migrate"] * 4 + ["purge", "purge", "verify"]
    assert [s["fingerprint"] for s in steps if s["phase"] == "migrate"] == [s["fingerprint"] for s in doc["secrets"]]
    assert steps[1]["commands"] == ["vault/apply.sh"]
    github = next(s for s in steps if s["title"].startswith("api: GITHUB_TOKEN"))
    assert github["commands"][0] == "bin/stdin-secret.sh vault kv put -mount=secret prod/api/github-token value=-"
    assert steps[-3]["commands"] == ['purge/purge-history.sh "$SOURCE" "$PURGE_WORKDIR"']
    readme = (out / "README.md").read_text()
    assert all(f"#### {s['order']}. {s['title']}" in readme for s in steps)


def test_compliance_shapes_the_plan(planned) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = planned
    doc = json.loads((out / "plan.json").read_text())
    assert [c["framework"] for c in doc["compliance"]] == ["SOC2", "PCI-DSS"]
    assert {r["type"]: r["interval_days"] for r in doc["rotation_schedule"]} == {
        "database_credentials": 30,
        "generic": 90,
        "service_tokens": 90,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--backend", "consul"],
            "--backend 'consul': choose one of vault, aws-secrets, azure-keyvault, gcp-secretmanager",
        ),
        (["--target", "lambda"], "--target 'lambda': choose one of kubernetes, cicd, application"),
        (["--rotation", "weekly"], "--rotation 'weekly': choose one of manual, automatic, dynamic"),
        (["--cloud", "ibm"], "--cloud 'ibm': choose one of aws, gcp, azure"),
        (["--compliance", "SOC2,HIPAA"], "--compliance 'HIPAA': choose from SOC2, GDPR, PCI-DSS (comma-separated)"),
        (
            ["--environment", "Prod!"],
            "--environment 'Prod!': use lowercase letters, digits and hyphens (e.g. prod, staging)",
        ),
    ],
)
def test_invalid_options_are_one_line_errors(tmp_path, args, message) -> None:  # type: ignore[no-untyped-def]
    res = cli("plan", str(tmp_path), "-o", str(tmp_path / "out"), *args)
    assert (res.returncode, res.stderr) == (2, f"secretscan: error: {message}\n")
    assert not (tmp_path / "out").exists()


def test_bad_inventory_files_are_one_line_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"kind": "secretscan-baseline", "version": 1}')
    res = cli("plan", "--inventory", str(tmp_path / "bad.json"), "-o", str(tmp_path / "out"))
    assert (
        res.returncode == 2
        and res.stderr.startswith(f"secretscan: error: {tmp_path / 'bad.json'} is not JSON: ")
        and res.stderr.count("\n") == 1
    )
    res = cli("plan", "--inventory", str(tmp_path / "other.json"), "-o", str(tmp_path / "out"))
    assert (res.returncode, res.stderr) == (
        2,
        f"secretscan: error: {tmp_path / 'other.json'} is not a secretscan inventory (kind secretscan-inventory)\n",
    )
    res = cli("plan", "--inventory", str(tmp_path / "other.json"), "--history", "-o", str(tmp_path / "out"))
    assert (res.returncode, res.stderr) == (
        2,
        "secretscan: error: --history chooses what to scan: it does not combine with --inventory\n",
    )


def test_a_saved_inventory_plans_for_a_cloud_backend(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "inv.json").write_text(json.dumps(inventory(GITHUB, STRIPE, PG_URL)))
    res = cli(
        "plan",
        "--inventory",
        str(tmp_path / "inv.json"),
        "-o",
        str(tmp_path / "out"),
        "--backend",
        "aws-secrets",
        "--target",
        "application",
        "--cloud",
        "aws",
        "--environment",
        "staging",
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "out/plan.json").read_text())
    jsonschema.Draft7Validator(schema()).validate(doc)
    assert [(s["backend_path"], s["backend_key"], s["rotation"]) for s in doc["secrets"]] == [
        ("staging/api/github-token", "", "automatic"),
        ("staging/billing/stripe-key", "", "automatic"),
        ("staging/billing/database-url", "", "automatic"),
    ]
    assert doc["secrets"][2]["notes"] == [
        "aws-secrets does not issue dynamic credentials: database_credentials rotated on a schedule (the backend's rotation) instead"
    ]
    assert not (tmp_path / "out/vault").exists()
    assert doc["platform_recommendation"]["fallback"]["backend"] == "vault"


def test_the_output_folder_is_replaced_whole_or_not_at_all(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "inv.json").write_text(json.dumps(inventory(GITHUB)))
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    res = cli("plan", "--inventory", str(tmp_path / "inv.json"), "-o", str(out))
    assert (res.returncode, res.stderr) == (
        2,
        f"secretscan: error: refusing to replace {out}: it is not empty and holds no plan.json (choose another --output)\n",
    )
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    (out / "notes.txt").unlink()
    assert cli("plan", "--inventory", str(tmp_path / "inv.json"), "-o", str(out)).returncode == 0
    (out / "stale.txt").write_text("from an older plan")
    assert cli("plan", "--inventory", str(tmp_path / "inv.json"), "-o", str(out)).returncode == 0
    assert not (out / "stale.txt").exists() and (out / "plan.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.json", "out"]  # no staging folder left behind
    assert (out / "bin/stdin-secret.sh").stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize(
    ("files", "target"),
    [
        ({"k8s/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"}, "kubernetes"),
        ({".github/workflows/ci.yml": "on: push\n"}, "cicd"),
        ({"app.py": "print('hi')\n"}, "application"),
    ],
)
def test_the_target_is_detected_from_the_repository(tmp_path, files, target) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    res = cli("plan", str(root), "-o", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "out/plan.json").read_text())
    assert (doc["options"]["target"], doc["options"]["target_detected"], doc["secrets"]) == (target, True, [])


def test_no_plan_file_holds_any_value_found_in_the_fixtures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every value the scanner finds in the bundled fixtures (Kubernetes, Helm, Kustomize, Docker,
    Spring, config files, source code, the demo), in plain and base64 form, is absent from the plan."""
    from conftest import FIXTURES

    found = cli("scan", "--no-git", "--show-secrets", "-q", "-f", "json", "--fail-on", "none", str(FIXTURES))
    findings = json.loads(found.stdout)["findings"]
    values = {f["secret"] for f in findings}
    # A few findings' "values" are names the scanner itself shows as locations (COPY id_rsa, a
    # .pgpass field equal to the database name): those are not secret material.
    shown = " ".join(f"{loc['path']} {loc.get('locator', '')}" for f in findings for loc in f["locations"])
    forms = {s for v in values if len(v) >= 6 and v not in shown for s in (v, base64.b64encode(v.encode()).decode())}
    assert len(values) >= 100
    res = cli("plan", str(FIXTURES), "-o", str(tmp_path / "out"), "--compliance", "GDPR")
    assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "out/plan.json").read_text())
    jsonschema.Draft7Validator(schema()).validate(doc)
    assert doc["inventory"]["planned"] >= 100
    texts = {
        p.relative_to(tmp_path / "out").as_posix(): p.read_text(errors="replace")
        for p in (tmp_path / "out").rglob("*")
        if p.is_file()
    }
    assert [(path, v[:4]) for path, text in texts.items() for v in forms if v in text] == []
