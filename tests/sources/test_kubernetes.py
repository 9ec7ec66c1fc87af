"""Kubernetes manifests, Helm charts, Kustomize and kubeconfig: fixtures/k8s, helm, kustomize."""

from __future__ import annotations

import base64
import json

import pytest
from structured_expect import (
    FIXTURES,
    analyze_file,
    detector,
    full_detector,
)

from secretscan.config import Settings
from secretscan.detect.structured import analyze
from secretscan.ids import blob_id
from secretscan.model import Blob, Provenance, SourceKind, Storage
from secretscan.sources.kubernetes import KubernetesParser, file_kind, mask_templates
from secretscan.sources.parser_paths import is_kubeconfig_path
from secretscan.sources.structured import parser_for
from secretscan.sources.textpos import Text
from secretscan.sources.yamlpos import Mapping, Scalar, Sequence, YamlError, load_documents, load_json

QUIET = [
    ("k8s", "quiet-sealed.yaml"),
    ("k8s", "quiet-sops.yaml"),
    ("k8s", "quiet-refs.yaml"),
    ("helm", "webapp/templates/secret.yaml"),
    ("helm", "webapp/values-prod.yaml"),
    ("kustomize", "overlays/prod/kustomization.yaml"),
]


@pytest.mark.parametrize(("folder", "rel"), QUIET)
def test_quiet_files_stay_quiet_with_every_rule(folder: str, rel: str) -> None:
    found = analyze_file(full_detector(), folder, rel)
    assert [(m.rule_id, m.location.span.line) for m in found if not m.location.allowed] == []


def _analyze(text: str, path: str = "k8s/x.yaml", settings: Settings | None = None):  # type: ignore[no-untyped-def]
    data = text.encode()
    det = detector(settings=settings or Settings(show_secrets=True))
    return analyze(det, Blob(blob_id(data), data), Provenance(SourceKind.FILE, path))


def test_secret_data_is_decoded_and_located_at_the_key() -> None:
    token = "ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"
    encoded = base64.b64encode(token.encode()).decode()
    found = _analyze(f"kind: Secret\napiVersion: v1\nmetadata: {{name: s, namespace: n}}\ndata:\n  tok: {encoded}\n")
    [m] = found
    loc = m.location
    assert (m.rule_id, m.revealed) == ("secretscan.github.pat", token)
    assert (loc.span.line, loc.span.column, loc.storage) == (5, 8, Storage.KUBERNETES_SECRET)
    assert (loc.locator, loc.key_path, loc.decoding) == ("Secret/n/s key=tok", "data.tok", ("base64",))


def test_env_literal_has_locator_and_json_path() -> None:
    manifest = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  template:
    spec:
      containers:
        - name: pg
          env:
            - {name: A, value: "1"}
            - {name: B, value: "2"}
            - {name: POSTGRES_PASSWORD, value: "St4teful-Pw-901"}
"""
    [m] = _analyze(manifest)
    assert m.rule_id == "secretscan.kubernetes.env-literal"
    assert m.location.locator == "StatefulSet/data/db container=pg env=POSTGRES_PASSWORD"
    assert m.location.key_path == "spec.template.spec.containers[0].env[2].value"
    assert (m.location.span.line, m.revealed) == (12, "St4teful-Pw-901")


def test_a_value_a_rule_reports_gets_no_structural_finding_too() -> None:
    token = "ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"
    found = _analyze(f"kind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  GITHUB_TOKEN: {token}\n")
    assert [(m.rule_id, m.location.storage) for m in found] == [("secretscan.github.pat", Storage.CONFIGMAP)]


def test_certificates_in_a_secret_are_not_secrets_but_the_key_is() -> None:
    cert = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n").decode()
    key = base64.b64encode(b"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIfake\n-----END EC PRIVATE KEY-----\n").decode()
    text = f"kind: Secret\nmetadata: {{name: t}}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {cert}\n  tls.key: {key}\n"
    found = _analyze(text)
    assert [(m.rule_id, m.location.span.line) for m in found] == [("secretscan.kubernetes.tls-private-key", 6)]


def test_invalid_base64_in_secret_data_is_read_as_written() -> None:
    [m] = _analyze("kind: Secret\nmetadata: {name: s}\ndata:\n  password: not*base64*Pw-771\n")
    assert (m.rule_id, m.revealed, m.location.decoding) == (
        "secretscan.kubernetes.secret-value",
        "not*base64*Pw-771",
        (),
    )
    assert "not valid base64" in (m.location.note or "")


def test_positions_are_bytes_after_non_ascii_text() -> None:
    text = '# café ☕ configuration\nkind: Secret\nmetadata: {name: ü}\nstringData:\n  pässword: "Ünïcode-Pw-4410"\n'
    [m] = _analyze(text)
    data = text.encode()
    assert data[m.location.span.start : m.location.span.end].decode() == "Ünïcode-Pw-4410"
    assert (m.location.span.line, m.location.span.column) == (5, 14)
    assert m.location.locator == "Secret/default/ü key=pässword"


def test_invalid_utf8_does_not_shift_positions() -> None:
    data = b"# \xff\xfe broken bytes\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: Inv4lid-Utf8-Pw\n"
    det = detector(settings=Settings(show_secrets=True))
    [m] = analyze(det, Blob(blob_id(data), data), Provenance(SourceKind.FILE, "x.yaml"))
    assert data[m.location.span.start : m.location.span.end] == b"Inv4lid-Utf8-Pw"


def test_malformed_yaml_falls_back_to_text_with_a_note() -> None:
    found = _analyze("kind: Secret\nstringData:\n  token: ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o\n  bad: [\n")
    assert [(m.rule_id, m.location.span.line) for m in found] == [("secretscan.github.pat", 3)]
    assert found.notes == (
        "k8s/x.yaml: not valid YAML/JSON (did not find expected node content (line 5)): scanned as plain text",
    )  # type: ignore[attr-defined]


def test_helm_template_that_stays_invalid_is_noted_not_dropped() -> None:
    data = (FIXTURES / "helm/webapp/templates/broken.yaml").read_bytes()
    parsed = KubernetesParser().parse(data, "webapp/templates/broken.yaml")
    assert parsed.values == ()
    assert len(parsed.notes) == 1 and parsed.notes[0].startswith("Helm template that is not valid YAML")


def test_hostile_yaml_never_crashes() -> None:
    parser = KubernetesParser()
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    laughs = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 12):
        laughs += (
            f"{chr(97 + i)}: &{chr(97 + i)} [*{chr(96 + i)},*{chr(96 + i)},*{chr(96 + i)},*{chr(96 + i)}]\n".encode()
        )
    for data in (deep, laughs, b"\x00\x01\x02" * 1000, b"key: [unclosed", b"\xff\xfe\xfd"):
        parsed = parser.parse(data, "x.yaml")
        assert len(parsed.values) < 100


def test_mask_templates_keeps_every_offset() -> None:
    source = 'metadata:\n  name: {{ include "x" . }}\n  labels:\n    {{- include "l" . | nindent 4 }}\nspec: {}\n'
    masked, actions = mask_templates(source)
    assert len(masked) == len(source) and masked.count("\n") == source.count("\n")
    assert masked.splitlines()[3] == "    #" + " " * (len(source.splitlines()[3]) - 5)
    assert [source[a:b] for a, b in actions] == ['{{ include "x" . }}', '{{- include "l" . | nindent 4 }}']
    assert load_documents(masked)  # parses


def test_yaml_reader_keeps_exact_scalar_spans() -> None:
    source = 'a: &x "quoted"\nb: *x\nc: |\n  block\n  text\nd: plain  # comment\n'
    [doc] = load_documents(Text(source.encode()).clean())
    spans = {k.value: source[v.start : v.end] for k, v in doc.pairs}  # type: ignore[union-attr]
    assert spans == {"a": "quoted", "b": "quoted", "c": "|\n  block\n  text", "d": "plain"}


def _flat(node: object) -> list[object]:
    """A node tree as a list: each scalar's value, style, tag and position, brackets for the rest."""
    if isinstance(node, Scalar):
        return [(node.value, node.style, node.tag, node.start, node.end, node.line)]
    if isinstance(node, Mapping):
        return ["{", *(x for k, v in node.pairs for x in _flat(k) + _flat(v)), "}"]
    if isinstance(node, Sequence):
        return ["[", *(x for item in node.items for x in _flat(item)), "]"]
    return [node]


JSON_TEXTS = [
    '{"a": 1, "b": [true, false, null, -2.5e3, "x"], "c": {}, "d": [], "e": {"f": [[{"g": "h"}]]}}',
    '{\n  "password": "Tq8#vLw2!rZe9p",\n  "quote": "say \\"hi\\" \\\\ \\u00e9 \\n",\n  "dup": 1,\n  "dup": 2\n}\n',
    '[\n\t{"name": "DB_PASSWORD",\t"value": "s3cr3t-Value"},\r\n\t"caf\u00e9 \u2603", 0, 1e-7\n]',
    '"just a string"',
    "  42  ",
]


@pytest.mark.parametrize("text", JSON_TEXTS)
def test_the_json_reader_gives_the_yaml_readers_nodes(text: str) -> None:
    source = Text(text.encode()).clean()
    fast, slow = load_json(source), load_documents(source)
    assert fast is not None and [_flat(d) for d in fast] == [_flat(d) for d in slow]


@pytest.mark.parametrize(
    "text",
    ['{"a": 1,}', "# comment\n{}", "a: b\n", "{'a': 1}", "[" * 300 + "]" * 300, ""],
)
def test_what_is_not_plain_json_is_left_to_the_yaml_reader(text: str) -> None:
    assert load_json(Text(text.encode()).clean()) is None


def test_json_that_pyyaml_rejects_is_still_read() -> None:
    """PyYAML refuses a surrogate pair escape (an emoji written as JSON does it)."""
    text = '{"note": "\\ud83d\\ude00", "password": "Tq8#vLw2!rZe9p"}'
    with pytest.raises(YamlError):
        load_documents(text)
    parsed = KubernetesParser().parse(text.encode(), "conf/app.json")
    assert [text[v.start : v.end] for v in parsed.values if v.secret_by_name] == ["Tq8#vLw2!rZe9p"]
    assert parsed.notes == ()


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("k/kustomization.yaml", "kustomize"),
        ("chart/values.yaml", "helm-values"),
        ("chart/values-prod.yaml", "helm-values"),
        ("chart/prod.values.yml", "helm-values"),
        ("chart/templates/deploy.yaml", "helm-template"),
        ("k8s/deploy.yaml", "manifest"),
    ],
)
def test_file_kinds(path: str, kind: str) -> None:
    assert file_kind(path) == kind


def test_parser_claims() -> None:
    assert is_kubeconfig_path("home/.kube/config") and is_kubeconfig_path("prod.kubeconfig")
    assert not is_kubeconfig_path("app/config")
    names = {
        p: getattr(parser_for(p), "name", None) for p in ("a.yaml", "b.json", "package-lock.json", "tsconfig.json")
    }
    assert names == {"a.yaml": "kubernetes", "b.json": "kubernetes", "package-lock.json": None, "tsconfig.json": None}


def test_docker_config_under_any_name_is_understood() -> None:
    auth = base64.b64encode(b"robot:Qu4y-R0bot-Pw-1").decode()
    [m] = _analyze(json.dumps({"auths": {"quay.io": {"auth": auth}}}), "ci/docker-config.json")
    assert (m.rule_id, m.revealed) == ("secretscan.docker.registry-credential", "Qu4y-R0bot-Pw-1")
    assert (m.location.locator, m.location.decoding) == ("auths.quay.io user=robot auth", ("base64", "user:password"))


def test_files_too_large_to_parse_are_noted() -> None:
    parsed = KubernetesParser().parse(b"a: b\n" * (1 << 20), "big.yaml")
    assert parsed.values == () and parsed.notes == ("over 2 MiB: not parsed as YAML/JSON, scanned as plain text",)


# ------------------------------------------------------------------ parse_structure: no match to locate


PARSER = KubernetesParser()
STRUCTURE_ONLY = {
    "names.yaml": "db:\n  host: x\n  password: Qz7-rT9!kLm2\n",
    "secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ndata:\n  foo: UXo3LXJUOSFrTG0y\n",
    "uri.json": '{"db": "postgres://app:Qz7rT9kLm2@db.example.org/app"}',
    "escaped-uri.json": '{"db": "postgres:\\/\\/app:Qz7rT9kLm2@db.example.org\\/app"}',
    "escaped-name.json": '{"p\\u0061ssword": "Qz7-rT9!kLm2"}',
    "joined-name.yaml": '? "db_p\\\n  assword"\n: "Qz7-rT9!kLm2"\n',  # an escaped line break joins the name
    "conn.yaml": "conn: Server=db;Database=x;Password=Qz7-rT9!kLm2\n",
    "auths.json": '{"auths": {"r.example.org": {"auth": "dXNlcjpRejctclQ5IWtMbTI="}}}',
    "plain.json": '{"name": "demo", "items": [1, 2, {"url": "https://example.org/x"}]}',
    "broken.yaml": "a: [\n",
    "broken.json": '{"a": "\\ud800", "b": [}',
    "alias.yaml": "a: *nowhere\n",
    "deep-flow.yaml": "a: " + "[" * 300 + "]" * 300 + "\n",
    "deep-block.yaml": "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n",
    "aliases-ok.yaml": "base: &b {x: 1}\nother: *b\n",
}


@pytest.mark.parametrize("name", sorted(STRUCTURE_ONLY))
def test_parse_structure_keeps_every_value_the_structure_reports_and_every_note(name: str) -> None:
    data = STRUCTURE_ONLY[name].encode()
    full, quick = PARSER.parse(data, name), PARSER.parse_structure(data, name)
    assert quick.notes == full.notes
    reported = [v for v in full.values if v.secret_by_name or v.decoding]
    assert [v for v in quick.values if v.secret_by_name or v.decoding] == reported
    # Left out: only values that could merely locate a plain-text match (there is none).
    assert all(not (v.secret_by_name or v.decoding or v.safe) for v in full.values if v not in quick.values)
    assert all(v in full.values for v in quick.values)


def test_parse_structure_reads_only_values_a_name_or_their_text_can_report() -> None:
    data = b"db:\n  host: x\n  port: 5432\n  password: Qz7-rT9!kLm2\n  url: https://u:Pw9-x7Qz@db.example.org/\n"
    full, quick = PARSER.parse(data, "app.yaml"), PARSER.parse_structure(data, "app.yaml")
    assert [(v.locator, v.secret_by_name) for v in full.values] == [
        ("db.host", False), ("db.port", False), ("db.password", True), ("db.url", False), ("db.url", True),
    ]
    assert [(v.locator, v.secret_by_name) for v in quick.values] == [
        ("db.password", True), ("db.url", False), ("db.url", True),
    ]


def test_parse_structure_skips_reading_plain_config() -> None:
    data = STRUCTURE_ONLY["plain.json"].encode()
    assert PARSER.parse(data, "plain.json").values != ()
    assert PARSER.parse_structure(data, "plain.json").values == ()
    notes = {n: PARSER.parse(STRUCTURE_ONLY[n].encode(), n).notes for n in ("broken.yaml", "alias.yaml", "deep-flow.yaml")}
    assert all(len(v) == 1 for v in notes.values()), notes


def test_check_documents_raises_what_load_documents_raises() -> None:
    from secretscan.sources.yamlpos import YamlError, check_documents

    for name, text in STRUCTURE_ONLY.items():
        try:
            load_documents(text)
            expected = None
        except YamlError as exc:
            expected = str(exc)
        try:
            check_documents(text)
            got = None
        except YamlError as exc:
            got = str(exc)
        assert got == expected, name
