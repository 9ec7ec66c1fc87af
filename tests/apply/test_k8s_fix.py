"""In-place fixes of Kubernetes manifests, from REAL scans and plans of manifests written here:
exact new texts (every byte outside the values' lines kept), references that name the plan's
ExternalSecrets, masks over exactly the values, manifests valid for Kubernetes (and ESO), values
never in a record, files that cannot be fixed exactly left to a person, a second run a no-op."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from artefact_fixtures import eso_errors

from secretscan.apply import k8s_fix
from secretscan.apply.changes import plan_changes
from secretscan.apply.model import FileChange, ManualChange, apply, sha256_bytes
from secretscan.cli.apply_support import Prepared, prepare
from secretscan.remediation.model import PlanOptions, Target

K8S_VERSION = kubernetes_validate.latest_version()

BILLING = """\
# Billing API (all values are fake)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
  namespace: pay
  labels: {app: billing}   # selector label
spec:
  selector:
    matchLabels: {app: billing}
  template:
    metadata:
      labels: {app: billing}
    spec:
      containers:
        - name: api
          image: registry.example.com/billing:2.1  # pinned
          env:
            - name: LOG_LEVEL
              value: info  # not a secret
            # the token the payment gateway issued
            - name: PAYMENT_API_TOKEN
              value: "Bil-Pay-T0ken-4471"   # keep in sync
            - {name: WEBHOOK_SECRET, value: 'Bil-Wh00k-S3cret-8812'}
            - name: SIGNING_KEY
              value: |
                Bil-S1gn1ng-K3y-Value-0042
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: billing-db, key: password}
"""
BILLING_FIXED = """\
# Billing API (all values are fake)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
  namespace: pay
  labels: {app: billing}   # selector label
spec:
  selector:
    matchLabels: {app: billing}
  template:
    metadata:
      labels: {app: billing}
    spec:
      containers:
        - name: api
          image: registry.example.com/billing:2.1  # pinned
          env:
            - name: LOG_LEVEL
              value: info  # not a secret
            # the token the payment gateway issued
            - name: PAYMENT_API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: billing-payment-api-token
                  key: value   # keep in sync
            - {name: WEBHOOK_SECRET, valueFrom: {secretKeyRef: {name: billing-webhook-secret, key: value}}}
            - name: SIGNING_KEY
              valueFrom:
                secretKeyRef:
                  name: billing-signing-key
                  key: value
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: billing-db, key: password}
"""
BILLING_VALUES = ("Bil-Pay-T0ken-4471", "Bil-Wh00k-S3cret-8812", "Bil-S1gn1ng-K3y-Value-0042")

NIGHTLY = """\
apiVersion: batch/v1
kind: CronJob
metadata:
    name: nightly
    namespace: ops
spec:
    schedule: "0 2 * * *"
    jobTemplate:
        spec:
            template:
                spec:
                    restartPolicy: OnFailure
                    containers:
                    -   name: export
                        image: registry.example.com/export:3
                        env:
                        -   name: EXPORT_TOKEN
                            value: >-
                                Ngt-Exp0rt-T0ken-5529
                        -   name: MODE
                            value: full
"""

WORKER = """\
{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {"name": "worker", "namespace": "pay"},
  "spec": {
    "selector": {"matchLabels": {"app": "worker"}},
    "template": {
      "metadata": {"labels": {"app": "worker"}},
      "spec": {
        "containers": [
          {
            "name": "worker",
            "image": "registry.example.com/worker:1.0",
            "env": [
              {"name": "QUEUE_PASSWORD", "value": "Wkr-Qu3ue-Pa55-7310"},
              {"name": "MODE", "value": "batch"}
            ]
          }
        ]
      }
    }
  }
}
"""

STACK_HEAD = """\
# The pay stack: config, credentials, service.
apiVersion: v1
kind: ConfigMap
metadata:
  name: pay-config
  namespace: pay
data:
  LOG_FORMAT: json   # structured
---
"""
STACK_SECRET = """\
# database credentials (to move out of git)
apiVersion: v1
kind: Secret
metadata:
  name: pay-db
  namespace: pay
type: Opaque
stringData:
  username: payments
  password: "Pay-Db-Pa55w0rd-6620"
"""
STACK_TAIL = """\
---
apiVersion: v1
kind: Service
metadata:
  name: billing
  namespace: pay
spec:
  selector: {app: billing}
  ports:
    - port: 80   # http
      targetPort: 8080
"""

CREDS = """\
# only a Secret
apiVersion: v1
kind: Secret
metadata:
  name: pay-api
  namespace: pay
type: Opaque
data:
  token: UGF5LUFwMS1LM3ktVmFsdWUtMDA3Nw==
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: pay
spec:
  containers:
    - name: app
      image: registry.example.com/app:1
{extra}      env:
        - name: {env}
          value: {value}
"""


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


def run(root: Path) -> tuple[Prepared, dict[str, FileChange], list[ManualChange]]:
    prep = prepare(root, PlanOptions(target=Target.KUBERNETES), None, reveal=False)
    changes, manual = k8s_fix.changes(prep.ctx)
    by_path = {c.path: c for c in changes}
    assert len(by_path) == len(changes)
    return prep, by_path, manual


def after(root: Path, change: FileChange) -> str:
    before = (root / change.path).read_bytes()
    assert change.before_sha256 == sha256_bytes(before)
    new = change.after_text(before.decode("utf-8"))
    assert new is not None
    return new


def changed_lines(before: str, new: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines of a diff: what the edit touched, nothing else."""
    diff = list(difflib.unified_diff(before.splitlines(), new.splitlines(), lineterm="", n=0))
    removed = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    added = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    return removed, added


def external_secrets(prep: Prepared) -> dict[tuple[str, str], dict[str, Any]]:
    """The ExternalSecrets of the plan's artefacts, by (namespace, name)."""
    out = {}
    for art in prep.plan.files:
        if art.kind == "external-secret":
            for doc in yaml.safe_load_all(art.content):
                out[(doc["metadata"]["namespace"], doc["metadata"]["name"])] = doc
    return out


def artefact(prep: Prepared, path: str) -> str:
    return next(a.content for a in prep.plan.files if a.path == path)


def secret_keys(es: dict[str, Any]) -> list[str]:
    return [d["secretKey"] for d in es["spec"]["data"]]


def validate(docs: list[Any]) -> None:
    for doc in docs:
        if doc["kind"] == "ExternalSecret":
            assert eso_errors(doc) == []
        else:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # raises on any schema error


def masked_texts(before: str, change: FileChange) -> list[tuple[str, str]]:
    return [(before[m.start : m.end], m.preview) for m in change.masks]


def preview_of(prep: Prepared, fingerprint_env: str) -> str:
    return next(
        ps.preview for ps in prep.ctx.secrets if any(fingerprint_env in str(loc.get("locator")) for loc in ps.locations)
    )


# ---------------------------------------------------------------- env literals


def test_env_literals_become_secret_refs_in_place(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {"deploy/billing.yaml": BILLING})
    prep, changes, manual = run(root)
    assert manual == []
    change = changes["deploy/billing.yaml"]
    new = after(root, change)
    assert new == BILLING_FIXED
    assert change.kind == "k8s-env-ref"
    assert change.description == (
        "Deployment/pay/billing env PAYMENT_API_TOKEN -> secretKeyRef billing-payment-api-token/value; "
        "Deployment/pay/billing env WEBHOOK_SECRET -> secretKeyRef billing-webhook-secret/value; "
        "Deployment/pay/billing env SIGNING_KEY -> secretKeyRef billing-signing-key/value"
    )
    assert set(change.fingerprints) == {ps.fingerprint for ps in prep.ctx.secrets}
    removed, added = changed_lines(BILLING, new)  # only the three values' lines changed
    assert removed == [
        '              value: "Bil-Pay-T0ken-4471"   # keep in sync',
        "            - {name: WEBHOOK_SECRET, value: 'Bil-Wh00k-S3cret-8812'}",
        "              value: |",
        "                Bil-S1gn1ng-K3y-Value-0042",
    ]
    assert len(added) == 9
    # the masks cover exactly the values, each shown as the scan's preview
    assert masked_texts(BILLING, change) == [
        ("Bil-Pay-T0ken-4471", preview_of(prep, "PAYMENT_API_TOKEN")),
        ("Bil-Wh00k-S3cret-8812", preview_of(prep, "WEBHOOK_SECRET")),
        ("Bil-S1gn1ng-K3y-Value-0042", preview_of(prep, "SIGNING_KEY")),
    ]
    (deployment,) = yaml.safe_load_all(new)
    validate([deployment])
    env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env[0] == {"name": "LOG_LEVEL", "value": "info"}
    assert env[4] == {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "billing-db", "key": "password"}}}
    wanted = external_secrets(prep)
    for item in env[1:4]:
        ref = item["valueFrom"]["secretKeyRef"]
        assert set(item) == {"name", "valueFrom"}
        assert ref["key"] in secret_keys(wanted[("pay", ref["name"])])  # the Secret the plan's ExternalSecret keeps


def test_cronjob_pod_spec_with_four_space_indents_and_a_folded_scalar(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {"ops/nightly.yaml": NIGHTLY})
    prep, changes, manual = run(root)
    assert manual == []
    new = after(root, changes["ops/nightly.yaml"])
    assert new == NIGHTLY.replace(
        "                            value: >-\n                                Ngt-Exp0rt-T0ken-5529\n",
        "                            valueFrom:\n"
        "                                secretKeyRef:\n"
        "                                    name: nightly-export-token\n"
        "                                    key: value\n",
    )
    assert masked_texts(NIGHTLY, changes["ops/nightly.yaml"]) == [
        ("Ngt-Exp0rt-T0ken-5529", preview_of(prep, "EXPORT_TOKEN"))
    ]
    (cron,) = yaml.safe_load_all(new)
    validate([cron])
    env = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [
        {"name": "EXPORT_TOKEN", "valueFrom": {"secretKeyRef": {"name": "nightly-export-token", "key": "value"}}},
        {"name": "MODE", "value": "full"},
    ]
    assert "value" in secret_keys(external_secrets(prep)[("ops", "nightly-export-token")])


def test_json_manifest_gets_json_syntax(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {"deploy/worker.json": WORKER})
    prep, changes, manual = run(root)
    assert manual == []
    new = after(root, changes["deploy/worker.json"])
    assert new == WORKER.replace(
        '"value": "Wkr-Qu3ue-Pa55-7310"',
        '"valueFrom": {"secretKeyRef": {"name": "worker-queue-password", "key": "value"}}',
    )
    assert masked_texts(WORKER, changes["deploy/worker.json"]) == [
        ("Wkr-Qu3ue-Pa55-7310", preview_of(prep, "QUEUE_PASSWORD"))
    ]
    doc = json.loads(new)
    validate([doc])
    assert doc["spec"]["template"]["spec"]["containers"][0]["env"][0] == {
        "name": "QUEUE_PASSWORD",
        "valueFrom": {"secretKeyRef": {"name": "worker-queue-password", "key": "value"}},
    }
    assert "value" in secret_keys(external_secrets(prep)[("pay", "worker-queue-password")])


def test_crlf_line_ends_are_kept(tmp_path: Path) -> None:
    text = POD.format(name="crlf", extra="", env="API_TOKEN", value='"Crl-T0ken-Value-6604"  # x').replace("\n", "\r\n")
    root = write(tmp_path / "repo", {"crlf.yaml": text})
    _, changes, manual = run(root)
    assert manual == []
    new = after(root, changes["crlf.yaml"])
    assert new == text.replace(
        'value: "Crl-T0ken-Value-6604"',
        "valueFrom:\r\n            secretKeyRef:\r\n              name: crlf-api-token\r\n              key: value",
    )
    assert "\n" not in new.replace("\r\n", "")


# ---------------------------------------------------------------- committed Secrets


def test_a_secret_between_two_documents_becomes_its_external_secret(tmp_path: Path) -> None:
    stack = STACK_HEAD + STACK_SECRET + STACK_TAIL
    root = write(tmp_path / "repo", {"deploy/stack.yaml": stack})
    prep, changes, manual = run(root)
    assert manual == []
    change = changes["deploy/stack.yaml"]
    es_text = artefact(prep, "kubernetes/external-secrets/pay/pay-db.yaml")
    new = after(root, change)
    assert new == STACK_HEAD + es_text + STACK_TAIL  # the other documents byte for byte
    assert change.kind == "k8s-external-secret"
    assert change.description == "Secret/pay/pay-db -> ExternalSecret pay/pay-db"
    assert [(e.start, e.end) for e in change.edits] == [(len(STACK_HEAD), len(STACK_HEAD) + len(STACK_SECRET))]
    previews = {loc["locator"].rsplit("=", 1)[1]: ps.preview for ps in prep.ctx.secrets for loc in ps.locations}
    assert masked_texts(stack, change) == [
        ("payments", previews["username"]),
        ("Pay-Db-Pa55w0rd-6620", previews["password"]),
    ]
    docs = list(yaml.safe_load_all(new))
    assert [d["kind"] for d in docs] == ["ConfigMap", "ExternalSecret", "Service"]
    validate(docs)
    assert docs[1] == external_secrets(prep)[("pay", "pay-db")]
    assert secret_keys(docs[1]) == ["username", "password"]


def test_a_secret_only_file_becomes_the_external_secret(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {"deploy/creds.yaml": CREDS})
    prep, changes, manual = run(root)
    assert manual == []
    change = changes["deploy/creds.yaml"]
    assert [(e.start, e.end) for e in change.edits] == [(0, len(CREDS))]
    new = after(root, change)
    assert new == artefact(prep, "kubernetes/external-secrets/pay/pay-api.yaml")
    (ps,) = prep.ctx.secrets
    assert masked_texts(CREDS, change) == [("UGF5LUFwMS1LM3ktVmFsdWUtMDA3Nw==", ps.preview)]
    (doc,) = yaml.safe_load_all(new)
    validate([doc])
    assert secret_keys(doc) == ["token"]


# ---------------------------------------------------------------- the whole set together


def everything(root: Path) -> Path:
    return write(
        root,
        {
            "deploy/billing.yaml": BILLING,
            "ops/nightly.yaml": NIGHTLY,
            "deploy/worker.json": WORKER,
            "deploy/stack.yaml": STACK_HEAD + STACK_SECRET + STACK_TAIL,
            "deploy/creds.yaml": CREDS,
            "deploy/clean.yaml": STACK_TAIL.removeprefix("---\n"),
        },
    )


def test_no_value_reaches_any_record(tmp_path: Path) -> None:
    root = everything(tmp_path / "repo")
    revealed = prepare(root, PlanOptions(target=Target.KUBERNETES), None, reveal=True).values
    _, changes, manual = run(root)
    assert sorted(changes) == [
        "deploy/billing.yaml",
        "deploy/creds.yaml",
        "deploy/stack.yaml",
        "deploy/worker.json",
        "ops/nightly.yaml",
    ]
    assert len(revealed) == 8
    records = repr(list(changes.values())) + repr(manual)
    assert [v for v in revealed.values() if v in records] == []


def test_a_second_run_after_the_edits_changes_nothing(tmp_path: Path) -> None:
    root = everything(tmp_path / "repo")
    _, changes, manual = run(root)
    assert manual == []
    untouched = (root / "deploy/clean.yaml").read_bytes()
    for change in changes.values():
        before = (root / change.path).read_text(encoding="utf-8")
        (root / change.path).write_text(apply(before, change.edits), encoding="utf-8")
    prep, again, manual_again = run(root)
    assert (again, manual_again) == ({}, [])
    assert prep.ctx.secrets == ()  # the scanner finds no value left
    assert (root / "deploy/clean.yaml").read_bytes() == untouched


def test_a_file_without_findings_gives_nothing(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {"svc.yaml": STACK_TAIL.removeprefix("---\n")})
    _, changes, manual = run(root)
    assert (changes, manual) == ({}, [])


# ---------------------------------------------------------------- left to a person


LIST_JSON = """\
{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "lst", "namespace": "pay"},
   "stringData": {"password": "Lst-Pa55w0rd-Value-4410"}}
]}
"""
ALIAS = POD.format(name="alias", extra="", env="API_TOKEN", value="*tok").replace(
    "  namespace: pay\n", "  namespace: pay\n  annotations:\n    shared: &tok Als-T0ken-Value-2274\n"
)
ARGS = POD.format(
    name="args", extra='      args: ["--token", "Arg-T0ken-Value-9920"]\n', env="API_TOKEN", value="Arg-Env-T0ken-1185"
)
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: mail
  namespace: pay
data:
  MAIL_PASSWORD: "Cfg-Ma1l-Pw-8841"
"""
HELM = POD.format(name="{{ .Release.Name }}", extra="", env="API_TOKEN", value='"Tpl-T0ken-Value-8830"')


@pytest.mark.parametrize(
    ("files", "path", "reason"),
    [
        (
            {
                "url.yaml": POD.format(
                    name="url", extra="", env="DATABASE_URL", value="postgres://app:Url-Pa55w0rd-3391@db:5432/app"
                )
            },
            "url.yaml",
            "Pod/pay/url env DATABASE_URL: the secret is only part of the value (a URL?): edit it by hand",
        ),
        (
            {"alias.yaml": ALIAS},
            "alias.yaml",
            "Pod/pay/alias env API_TOKEN: the value is a YAML alias (its text is shared): edit it by hand",
        ),
        (
            {
                "latin.yaml": POD.format(
                    name="latin", extra="", env="API_TOKEN", value='"Lat-T0ken-Value-5518"  # Jos\xe9'
                ).encode("latin-1")
            },
            "latin.yaml",
            "not UTF-8 text: edit it by hand",
        ),
        ({"list.json": LIST_JSON}, "list.json", "Secret/pay/lst is an item of a List: edit it by hand"),
        (
            {"args.yaml": ARGS},
            "args.yaml",
            "Pod/pay/args container app: a value in args (line 10) needs the command rewritten: edit it by hand",
        ),
        (
            {"cm.yaml": CONFIGMAP},
            "cm.yaml",
            "ConfigMap/pay/mail key MAIL_PASSWORD (line 7): a ConfigMap value must move to a Secret and its readers change: edit it by hand",
        ),
        (
            {"chart/templates/pod.yaml": HELM},
            "chart/templates/pod.yaml",
            "a Helm template: move the value into a Secret the chart references, by hand",
        ),
    ],
    ids=["partial-value", "alias", "not-utf8", "secret-in-list", "args", "configmap", "helm-template"],
)
def test_what_cannot_be_fixed_exactly_is_left_to_a_person(
    tmp_path: Path, files: dict[str, str | bytes], path: str, reason: str
) -> None:
    root = write(tmp_path / "repo", files)
    prep, changes, manual = run(root)
    assert changes == {}
    fps = tuple(ps.fingerprint for ps in prep.ctx.secrets)
    assert fps, "the scan must find the value for this case to mean anything"
    assert [(m.path, m.reason, set(m.fingerprints)) for m in manual] == [(path, reason, set(fps))]


def test_a_file_with_one_manual_value_is_not_half_fixed(tmp_path: Path) -> None:
    """ARGS has an env literal the fixer could replace, and an argument it cannot: changes.py
    keeps no change of that file, while the other files are fixed."""
    root = write(tmp_path / "repo", {"args.yaml": ARGS, "deploy/creds.yaml": CREDS})
    prep, _, _ = run(root)
    result = plan_changes(prep.ctx, {"kubernetes": k8s_fix.changes})
    assert [c.path for c in result.changes] == ["deploy/creds.yaml"]
    assert [m.path for m in result.manual] == ["args.yaml"]


def test_without_the_scanned_root_every_file_is_manual(tmp_path: Path) -> None:
    from dataclasses import replace

    root = write(tmp_path / "repo", {"deploy/creds.yaml": CREDS})
    prep, _, _ = run(root)
    inventory = {k: v for k, v in prep.ctx.inventory.items() if k != "root"}
    changes, manual = k8s_fix.changes(replace(prep.ctx, inventory=inventory))
    assert changes == []
    assert [(m.path, m.reason) for m in manual] == [
        ("deploy/creds.yaml", "the scanned files are not reachable (the inventory names no root folder)")
    ]


def test_a_file_changed_since_the_scan_has_another_digest(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {"deploy/creds.yaml": CREDS})
    _, changes, _ = run(root)
    assert changes["deploy/creds.yaml"].before_sha256 == sha256_bytes(CREDS.encode())
