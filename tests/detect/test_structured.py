"""The seam between parsers and detection: locating matches in values, safe values, decoded
values, structural findings, notes, and the pipeline around it."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from structured_expect import detector

from secretscan.config import Settings
from secretscan.detect import structured as seam
from secretscan.detect.structural_rules import BY_STORAGE, STRUCTURAL, STRUCTURAL_RULES
from secretscan.ids import blob_id
from secretscan.model import Blob, Provenance, SourceKind, Status, Storage
from secretscan.pipeline import scan
from secretscan.report.jsonfmt import document
from secretscan.sources import structured
from secretscan.sources.files import FileSource
from secretscan.sources.structured import Parsed, Value

TOKEN = "ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"


class FakeParser:
    """Claims *.fake; returns the Values a test gives it."""

    name = "fake"

    def __init__(self, parsed: Parsed | Exception) -> None:
        self.parsed = parsed

    def claims(self, path: str) -> bool:
        return path.endswith(".fake")

    def parse(self, data: bytes, path: str) -> Parsed:
        if isinstance(self.parsed, Exception):
            raise self.parsed
        return self.parsed


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def install(parsed: Parsed | Exception) -> None:
        monkeypatch.setattr(structured, "PARSERS", [FakeParser(parsed)])

    return install


def run(data: bytes, path: str = "a.fake", settings: Settings | None = None):  # type: ignore[no-untyped-def]
    det = detector(settings=settings or Settings(show_secrets=True))
    return seam.analyze(det, Blob(blob_id(data), data), Provenance(SourceKind.FILE, path))


def value(data: bytes, text: bytes, **extra: object) -> Value:
    start = data.index(text)
    fields: dict[str, object] = {"locator": "loc", "storage": Storage.CONFIG_FILE, "key": "k"}
    fields.update(extra)
    return Value(start=start, end=start + len(text), **fields)  # type: ignore[arg-type]


def test_plain_path_without_parser_is_plain_text() -> None:
    [m] = run(f"x = {TOKEN}\n".encode(), "notes.txt")
    assert (m.location.storage, m.location.locator) == (Storage.PLAIN_FILE, None)
    assert seam.analysis_key("notes.txt") == "" and seam.analysis_key("deploy.yaml") == "kubernetes:manifest"


def test_match_takes_the_innermost_value_and_default_storage_elsewhere(fake) -> None:  # type: ignore[no-untyped-def]
    data = f"outer [{TOKEN}] and {TOKEN[:-1]}Z outside\n".encode()
    outer = value(data, f"outer [{TOKEN}]".encode(), locator="outer", storage=Storage.CONFIGMAP)
    inner = value(data, TOKEN.encode(), locator="inner", storage=Storage.KUBERNETES_SECRET, key_path="data.k", note="n")
    fake(Parsed(values=(outer, inner), default_storage=Storage.HELM_VALUES))
    found = run(data)
    got = [(m.location.locator, m.location.storage, m.location.key_path, m.location.note) for m in found]
    assert got == [("inner", Storage.KUBERNETES_SECRET, "data.k", "n"), (None, Storage.HELM_VALUES, None, None)]


def test_matches_inside_safe_values_are_dropped(fake) -> None:  # type: ignore[no-untyped-def]
    data = f"sealed: {TOKEN}\n".encode()
    fake(Parsed(values=(value(data, TOKEN.encode(), safe=True),)))
    assert run(data) == []


def test_decoded_value_is_scanned_and_reported_at_the_encoded_span(fake) -> None:  # type: ignore[no-untyped-def]
    data = b"key: ENCODED-FORM\n"
    fake(Parsed(values=(value(data, b"ENCODED-FORM", decoded=TOKEN.encode(), decoding=("rot13",)),)))
    [m] = run(data)
    assert (m.rule_id, m.revealed, m.location.decoding) == ("secretscan.github.pat", TOKEN, ("rot13",))
    assert (m.location.span.start, m.location.span.end) == (5, 17)


def test_structural_finding_for_a_secret_by_name_that_no_rule_matched(fake) -> None:  # type: ignore[no-untyped-def]
    data = b"DB_PASSWORD: Str-uct-Pw-9911\n"
    fake(
        Parsed(
            values=(value(data, b"Str-uct-Pw-9911", secret_by_name=True, storage=Storage.DOTENV, key="DB_PASSWORD"),)
        )
    )
    [m] = run(data)
    assert (m.rule_id, m.revealed, m.location.storage) == (
        "secretscan.dotenv.secret-value",
        "Str-uct-Pw-9911",
        Storage.DOTENV,
    )
    assert m.preview == "Str…11" and m.length == 15


def test_no_structural_finding_where_a_rule_matched_or_a_filter_rejects(fake) -> None:  # type: ignore[no-untyped-def]
    data = f"A: {TOKEN}\nB: changeme\nC: ${{REF}}\nD: /run/secrets/db\nE: ab\n".encode()
    values = tuple(
        value(data, text.encode(), secret_by_name=True, key="DB_PASSWORD")
        for text in (TOKEN, "changeme", "${REF}", "/run/secrets/db", "ab")
    )
    fake(Parsed(values=values))
    assert [m.rule_id for m in run(data)] == ["secretscan.github.pat"]


def test_value_rule_override_and_disabled_rules(fake) -> None:  # type: ignore[no-untyped-def]
    data = b"x: Ov3rride-Pw-12\n"
    rule = "secretscan.kubernetes.tls-private-key"
    fake(Parsed(values=(value(data, b"Ov3rride-Pw-12", secret_by_name=True, rule=rule),)))
    assert [m.rule_id for m in run(data)] == [rule]
    assert run(data, settings=Settings(disable_rules=(rule,))) == []


def test_inline_allow_marks_a_structural_finding_allowed(fake) -> None:  # type: ignore[no-untyped-def]
    data = b"x: All0wed-Pw-31  # secretscan:allow test data\n"
    fake(Parsed(values=(value(data, b"All0wed-Pw-31", secret_by_name=True),)))
    [m] = run(data)
    assert m.location.allowed


def test_parser_failure_is_a_note_not_a_crash(fake) -> None:  # type: ignore[no-untyped-def]
    fake(RecursionError())
    found = run(f"t = {TOKEN}\n".encode())
    assert [m.rule_id for m in found] == ["secretscan.github.pat"]
    assert found.notes == ("a.fake: fake parser gave up (RecursionError): scanned as plain text",)


def test_analysis_pickles_with_its_notes() -> None:
    analysis = seam.Analysis([], ("a: note",))
    assert pickle.loads(pickle.dumps(analysis)).notes == ("a: note",)


def test_every_storage_names_a_structural_rule() -> None:
    assert set(BY_STORAGE) == set(Storage)
    assert all(rule_id in STRUCTURAL for rule_id in BY_STORAGE.values())
    assert all(r.pattern == "" and r.id.startswith("secretscan.") for r in STRUCTURAL_RULES)
    assert len({r.id for r in STRUCTURAL_RULES}) == len(STRUCTURAL_RULES)


def test_pipeline_reports_structural_findings_with_rules_and_notes(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(
        "kind: Secret\napiVersion: v1\nmetadata: {name: db, namespace: prod}\nstringData:\n  password: P1pe-L1ne-Pw-7\n"
    )
    (tmp_path / "broken.yaml").write_text("a: [\n")
    (tmp_path / "Dockerfile").write_text("FROM x\nENV API_TOKEN=D0cker-T0k3n-5\n")
    settings = Settings(use_git=False)
    det = detector(settings=settings)
    result = scan([FileSource(tmp_path, settings)], det)
    got = sorted(
        (f.rule_id, f.first.provenance.path, f.first.span.line, f.first.storage.value) for f in result.findings
    )
    assert got == [
        ("secretscan.dockerfile.env-secret", "Dockerfile", 2, "dockerfile-env"),
        ("secretscan.kubernetes.secret-value", "deploy.yaml", 5, "kubernetes-secret"),
    ]
    assert result.notes == (
        "broken.yaml: not valid YAML/JSON (did not find expected node content (line 2)): scanned as plain text",
    )
    assert {"secretscan.kubernetes.secret-value", "secretscan.github.pat"} <= {r.id for r in result.rules}
    rendered = json.dumps(document(result))
    assert "P1pe-L1ne-Pw-7" not in rendered and "D0cker-T0k3n-5" not in rendered
    [secret] = [f for f in document(result)["findings"] if f["rule_id"] == "secretscan.kubernetes.secret-value"]
    assert secret["locations"][0]["locator"] == "Secret/prod/db key=password"
    assert secret["locations"][0]["key_path"] == "stringData.password"
    assert all(f.status is Status.NEW for f in result.findings)


def test_a_rule_matching_the_encoded_text_gives_way_to_the_decoded_judgement(fake) -> None:  # type: ignore[no-untyped-def]
    data = f"password: {TOKEN}\n".encode()  # pretend the token is the base64 form of a placeholder
    encoded = value(data, TOKEN.encode(), decoded=b"changeme", decoding=("base64",), secret_by_name=True)
    fake(Parsed(values=(encoded,)))
    assert run(data) == []
    fake(Parsed(values=(value(data, TOKEN.encode(), decoded=b"opaque", decoding=("base64",)),)))
    assert [m.rule_id for m in run(data)] == ["secretscan.github.pat"]


def test_the_same_content_is_read_again_where_the_path_changes_its_meaning(tmp_path: Path) -> None:
    text = "db:\n  password: Sh4red-Blob-Pw-3\n"
    for rel in ("chart/values.yaml", "config/app.yaml", "application-prod.yml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    settings = Settings(use_git=False)
    result = scan([FileSource(tmp_path, settings)], detector(settings=settings))
    got = {(loc.provenance.path, loc.storage.value, loc.locator) for f in result.findings for loc in f.locations}
    assert got == {
        ("chart/values.yaml", "helm-values", "db.password"),
        ("config/app.yaml", "config-file", "db.password"),
        ("application-prod.yml", "spring-config", "db.password [profile=prod]"),
    }
    assert seam.analysis_key("a/values.yaml") != seam.analysis_key("a/deploy.yaml")


def test_same_value_by_structure_and_generic_rule_is_one_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A password in a Kubernetes Secret, a Deployment env literal and a .env assignment is one
    secret (the value's identity), with every location."""
    import base64

    from secretscan.config import Settings
    from secretscan.detect.engine import Engine
    from secretscan.detect.scanner import Detector
    from secretscan.pipeline import scan
    from secretscan.ruleset.loader import load_rules
    from secretscan.sources.files import FileSource

    pw = "Vq8!rT2#mZ6pLx9w"
    (tmp_path / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ndata:\n"
        f"  password: {base64.b64encode(pw.encode()).decode()}\n"
    )
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: api\n          env:\n            - name: DB_PASSWORD\n"
        f"              value: \"{pw}\"\n"
    )
    (tmp_path / "app.env").write_text(f"DB_PASSWORD={pw}\n")
    settings = Settings(use_git=False)
    result = scan([FileSource(tmp_path, settings)], Detector(Engine(load_rules()), settings))
    (finding,) = [f for f in result.findings]
    assert sorted(loc.provenance.path for loc in finding.locations) == ["app.env", "deploy.yaml", "secret.yaml"]
