"""The baseline file, its matching and its updates, on findings built as the engine builds them."""

from __future__ import annotations

from secretscan.detect.identity import identity_key

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from secretscan.detect.digests import key_id, keyed_hash, keyed_sha1, sha1_hex
from secretscan.ids import fingerprint, redact, secret_hash
from secretscan.inventory.baseline import (
    Baseline,
    BaselineError,
    Entry,
    apply_baseline,
    create_baseline,
    dumps,
    entry_for,
    parse,
    update_baseline,
)
from secretscan.inventory.baseline_import import import_entries, read_detect_secrets
from secretscan.model import (
    BlobId,
    Confidence,
    Finding,
    Location,
    Provenance,
    RuleId,
    ScanResult,
    ScanStats,
    SecretKind,
    Severity,
    SourceKind,
    Span,
    Status,
)

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
TODAY = date(2025, 6, 1)
PAT = "ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"
PASSWORD = "vf4aThab0Y"
PAT_RULE = "secretscan.github.pat"
PW_RULE = "secretscan.generic.password-assignment"


def finding(rule: str, kind: SecretKind, secret: str, path: str, line: int, *, key: bytes | None = KEY,
            sha1: bool = False, status: Status = Status.NEW) -> Finding:
    """A finding with the digests the engine computes for ``secret``."""
    raw = secret.encode()
    where = Location(BlobId("0" * 40), Provenance(SourceKind.FILE, path), Span(0, len(raw), line, 1, line))
    return Finding(
        fingerprint=fingerprint(rule, raw), rule_id=RuleId(rule), rule_name=rule, kind=kind,
        severity=Severity.HIGH, confidence=Confidence.HIGH, preview=redact(secret), secret_hash=secret_hash(raw),
        locations=(where,), status=status,
        keyed_hash=keyed_hash(key, rule, raw) if key is not None else None,
        sha1=sha1_hex(raw) if sha1 else None,
    )  # fmt: skip


def result(*findings: Finding) -> ScanResult:
    return ScanResult(tuple(findings), (), ScanStats())


def pat(path: str = "app.env", line: int = 2, **kw: object) -> Finding:
    return finding(PAT_RULE, SecretKind.SERVICE_TOKEN, PAT, path, line, **kw)  # type: ignore[arg-type]


def password(path: str = "app.env", line: int = 1, **kw: object) -> Finding:
    return finding(PW_RULE, SecretKind.PASSWORD, PASSWORD, path, line, **kw)  # type: ignore[arg-type]


def statuses(r: ScanResult) -> dict[str, Status]:
    return {f.rule_id: f.status for f in r.findings}


# -- the file --------------------------------------------------------------------------------


def test_file_is_sorted_and_exact_and_holds_no_plaintext_nor_unkeyed_password_hash() -> None:
    made = create_baseline([password(), pat()], "2025-01-01T00:00:00Z", KEY)
    pat_fp = fingerprint(PAT_RULE, PAT.encode())
    pw_keyed = keyed_hash(KEY, PW_RULE, PASSWORD.encode())
    assert dumps(made) == (
        "{\n"
        '  "version": 1,\n'
        '  "kind": "secretscan-baseline",\n'
        '  "created": "2025-01-01T00:00:00Z",\n'
        f'  "key_id": "{key_id(KEY)}",\n'
        '  "entries": [\n'
        "    {\n"
        f'      "fingerprint": "{pw_keyed}",\n'
        f'      "rule_id": "{PW_RULE}",\n'
        '      "keyed": true\n'
        "    },\n"
        "    {\n"
        f'      "fingerprint": "{pat_fp}",\n'
        f'      "rule_id": "{PAT_RULE}",\n'
        '      "keyed": false\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )
    text = dumps(made)
    for leak in (PASSWORD, PAT, fingerprint(PW_RULE, PASSWORD.encode()), secret_hash(PASSWORD.encode()), sha1_hex(PASSWORD.encode())):
        assert leak not in text
    # the order of findings (and so of code) does not change a byte
    assert dumps(create_baseline([pat("b/x.env", 9), password("c/y.env", 40)], "2025-01-01T00:00:00Z", KEY)) == text


def test_parse_round_trips_every_field() -> None:
    entry = Entry("a" * 40, PAT_RULE, False, "test fixture", "ana", date(2025, 12, 31), None)
    b = Baseline("2025-01-01T00:00:00Z", (entry,))
    assert parse(dumps(b), "b.json") == b
    assert json.loads(dumps(b))["entries"] == [
        {"fingerprint": "a" * 40, "rule_id": PAT_RULE, "keyed": False, "reason": "test fixture", "reviewer": "ana", "expires": "2025-12-31"}
    ]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{", "b.json: not a secretscan baseline (invalid JSON: Expecting property name enclosed in double quotes, line 1)"),
        ('{"version": 1, "entries": []}', 'b.json: not a secretscan baseline (no "kind": "secretscan-baseline")'),
        ('{"version": 2, "kind": "secretscan-baseline", "entries": []}', "b.json: baseline version 2 is newer than this secretscan reads (1)"),
        ('{"version": 1, "kind": "secretscan-baseline", "entries": [], "extra": 1}', "b.json: unknown field(s) extra"),
        ('{"version": 1, "kind": "secretscan-baseline", "entries": [{"fingerprint": "xyz", "rule_id": "r"}]}',
         'b.json: entry 1: "fingerprint" must be 40 to 64 lowercase hex digits'),
        ('{"version": 1, "kind": "secretscan-baseline", "entries": [{"fingerprint": "' + "a" * 40 + '", "rule_id": "r", "expiry": "2025-01-01"}]}',
         "b.json: entry 1: unknown field(s) expiry"),
        ('{"version": 1, "kind": "secretscan-baseline", "entries": [{"fingerprint": "' + "a" * 40 + '", "rule_id": "r", "expires": "soon"}]}',
         "b.json: entry 1: \"expires\" must be an ISO date (YYYY-MM-DD), not 'soon'"),
    ],
)
def test_bad_files_are_one_line_errors(doc: str, message: str) -> None:
    with pytest.raises(BaselineError) as err:
        parse(doc, "b.json")
    assert str(err.value) == message


def test_a_password_cannot_be_baselined_without_a_key() -> None:
    with pytest.raises(BaselineError, match="^secretscan.generic.password-assignment is a password-like secret: baselining it needs a baseline key$"):
        entry_for(password(key=None))
    assert entry_for(pat(key=None)) == Entry(fingerprint(PAT_RULE, PAT.encode()), PAT_RULE)


# -- matching --------------------------------------------------------------------------------


def test_matching_marks_known_secrets_baselined_and_leaves_new_ones_new() -> None:
    b = create_baseline([password(), pat()], "t", KEY)
    aws = finding("secretscan.aws.access-key-id", SecretKind.CLOUD_IAM, "AKIAQYLPMN5HHHFPZAM2", "new.env", 1)
    allowed = finding("secretscan.x", SecretKind.API_KEY, "x" * 30, "a.py", 3, status=Status.ALLOWED)
    judged = apply_baseline(result(password("moved/elsewhere.env", 77), pat(), aws, allowed), b, TODAY, key=KEY)
    assert statuses(judged) == {PW_RULE: Status.BASELINED, PAT_RULE: Status.BASELINED,
                                "secretscan.aws.access-key-id": Status.NEW, "secretscan.x": Status.ALLOWED}  # fmt: skip
    assert [f.rule_id for f in judged.active] == ["secretscan.aws.access-key-id"]
    assert judged.notes == ()


def test_keyed_entries_without_the_key_are_reported_loudly_and_do_not_match() -> None:
    b = create_baseline([password(), pat()], "t", KEY)
    judged = apply_baseline(result(password(key=None), pat(key=None)), b, TODAY, key=None)
    assert statuses(judged) == {PW_RULE: Status.NEW, PAT_RULE: Status.BASELINED}
    assert judged.notes == (
        "baseline: the baseline has 1 keyed entry (password-like secrets) but no baseline key is available: they cannot "
        "match. Provide the key that made them (SECRETSCAN_BASELINE_KEY, e.g. from a CI secret, or --baseline-key-file); "
        "the secrets they cover are reported as new",
    )


def test_a_wrong_key_is_told_apart_from_a_missing_one() -> None:
    b = create_baseline([password()], "t", KEY)
    judged = apply_baseline(result(password(key=OTHER_KEY)), b, TODAY, key=OTHER_KEY)
    assert statuses(judged) == {PW_RULE: Status.NEW}
    assert judged.notes == (
        f"baseline: the baseline's 1 keyed entry (password-like secrets) were made with key id {key_id(KEY)}, but the "
        f"baseline key in use has id {key_id(OTHER_KEY)}: they cannot match. Provide the key that made them; the "
        "secrets they cover are reported as new",
    )


def test_expired_entries_no_longer_suppress_and_stale_entries_are_named() -> None:
    pat_fp = fingerprint(PAT_RULE, PAT.encode())
    b = Baseline("t", (
        Entry(pat_fp, PAT_RULE, reason="rotated soon", expires=date(2025, 5, 31)),
        Entry("b" * 40, "secretscan.gone", reason="old fixture"),
        Entry("c" * 40, "secretscan.gone-too", expires=date(2025, 1, 1)),
        Entry("d" * 40, "secretscan.still-valid", expires=TODAY),
    ))  # fmt: skip
    judged = apply_baseline(result(pat("cfg/app.env", 4)), b, TODAY)
    assert statuses(judged) == {PAT_RULE: Status.NEW}
    assert judged.notes == (
        f"baseline: entry {PAT_RULE} {pat_fp[:12]} (rotated soon) expired on 2025-05-31: it no longer suppresses "
        "cfg/app.env:4, reported as new again",
        "baseline: entry secretscan.gone-too cccccccccccc expired on 2025-01-01 and matched nothing in this scan",
        "baseline: entry secretscan.gone bbbbbbbbbbbb (old fixture) matched nothing in this scan (stale): "
        "`secretscan baseline update --prune` removes it",
        "baseline: entry secretscan.still-valid dddddddddddd matched nothing in this scan (stale): "
        "`secretscan baseline update --prune` removes it",
    )
    # a scan of part of the content (staged changes, a range) does not call entries stale
    partial = apply_baseline(result(), b, TODAY, partial=True)
    assert partial.notes == (
        f"baseline: entry {PAT_RULE} {pat_fp[:12]} (rotated soon) expired on 2025-05-31",
        "baseline: entry secretscan.gone-too cccccccccccc expired on 2025-01-01",
    )


def test_imported_entries_match_by_sha1_plain_or_keyed() -> None:
    aws_key = "AKIAQYLPMN5HHHFPZAM2"
    b = Baseline("t", (
        Entry(sha1_hex(aws_key.encode()), "detect-secrets:AWS Access Key", origin="detect-secrets"),
        Entry(keyed_sha1(KEY, sha1_hex(PASSWORD.encode())), "detect-secrets:Secret Keyword", True, origin="detect-secrets"),
    ), key_id(KEY))  # fmt: skip
    aws = finding("secretscan.aws.access-key-id", SecretKind.CLOUD_IAM, aws_key, "a.env", 1, sha1=True)
    judged = apply_baseline(result(aws, password(sha1=True), pat(sha1=True)), b, TODAY, key=KEY)
    assert statuses(judged) == {"secretscan.aws.access-key-id": Status.BASELINED, PW_RULE: Status.BASELINED, PAT_RULE: Status.NEW}
    assert judged.notes == ()
    # without the SHA-1 (the engine computes it only for such baselines) nothing matches
    assert statuses(apply_baseline(result(replace(aws, sha1=None), password()), b, TODAY, key=KEY)) == {
        "secretscan.aws.access-key-id": Status.NEW, PW_RULE: Status.NEW}  # fmt: skip


# -- updates ---------------------------------------------------------------------------------


def test_update_keeps_metadata_adds_new_and_prunes_only_when_asked() -> None:
    pat_fp = fingerprint(PAT_RULE, PAT.encode())
    old = Baseline("2025-01-01T00:00:00Z", (
        Entry(pat_fp, PAT_RULE, reason="test token", reviewer="ana", expires=date(2026, 1, 1)),
        Entry("b" * 40, "secretscan.gone"),
    ))  # fmt: skip
    new, summary = update_baseline(old, result(pat("moved.env", 30), password()), KEY, prune=False)
    assert (summary.kept, summary.added, [e.rule_id for e in summary.stale]) == (2, 1, ["secretscan.gone"])
    assert new == Baseline("2025-01-01T00:00:00Z", (
        Entry(keyed_hash(KEY, PW_RULE, PASSWORD.encode()), PW_RULE, True),
        Entry(pat_fp, PAT_RULE, reason="test token", reviewer="ana", expires=date(2026, 1, 1)),
        Entry("b" * 40, "secretscan.gone"),
    ), key_id(KEY))  # fmt: skip
    pruned, summary = update_baseline(new, result(pat(), password()), KEY, prune=True)
    assert (summary.kept, summary.added, summary.pruned) == (2, 0, True)
    assert [e.rule_id for e in pruned.entries] == [PW_RULE, PAT_RULE]
    again, _ = update_baseline(pruned, result(pat("x.env", 1), password("y.env", 2)), KEY, prune=True)
    assert dumps(again) == dumps(pruned)


def test_update_refuses_to_mix_keys() -> None:
    old = create_baseline([password()], "t", KEY)
    with pytest.raises(BaselineError, match=f"^cannot update: the baseline's 1 keyed entry .* key id {key_id(KEY)}, "):
        update_baseline(old, result(password(key=OTHER_KEY)), OTHER_KEY, prune=False)
    with pytest.raises(BaselineError, match="^cannot update: the baseline has 1 keyed entry .* no baseline key is available"):
        update_baseline(old, result(password(key=None)), None, prune=False)


# -- detect-secrets import -------------------------------------------------------------------


def test_import_takes_audited_false_positives_and_leaves_real_and_constant_hashes() -> None:
    results = [
        ("AWS Access Key", sha1_hex(b"AKIAQYLPMN5HHHFPZAM2"), False),
        ("Secret Keyword", sha1_hex(PASSWORD.encode()), False),
        ("GitHub Token", sha1_hex(b"ghp"), False),  # detect-secrets 1.x hashes the prefix only
        ("Secret Keyword", sha1_hex(b"realsecret1"), True),
        ("Hex High Entropy String", sha1_hex(b"unaudited"), None),
    ]
    got = import_entries(results, KEY, include_unaudited=False)
    assert got.entries == (
        Entry(sha1_hex(b"AKIAQYLPMN5HHHFPZAM2"), "detect-secrets:AWS Access Key", False,
              "detect-secrets audit: not a secret", origin="detect-secrets"),
        Entry(keyed_sha1(KEY, sha1_hex(PASSWORD.encode())), "detect-secrets:Secret Keyword", True,
              "detect-secrets audit: not a secret", origin="detect-secrets"),
    )  # fmt: skip
    assert (got.real, got.unaudited, got.constant) == (1, 1, 1)
    with_unaudited = import_entries(results, KEY, include_unaudited=True)
    assert [e.reason for e in with_unaudited.entries][-1] == "detect-secrets: unaudited"
    assert (with_unaudited.unaudited, len(with_unaudited.entries)) == (0, 3)
    with pytest.raises(BaselineError, match="^importing keyword and high-entropy entries needs a baseline key$"):
        import_entries(results, None, include_unaudited=False)


def test_old_detect_secrets_baselines_are_upgraded_without_running_their_plugins(tmp_path: Path) -> None:
    marker = tmp_path / "plugin-ran"
    plugin = tmp_path / "evil_plugin.py"
    plugin.write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    old = {  # the 0.13 layout: exclude_regex, custom_plugin_paths, no filename in results
        "version": "0.13.1",
        "exclude": {"files": None, "lines": None},
        "custom_plugin_paths": [str(plugin)],
        "plugins_used": [{"name": "Base64HighEntropyString", "base64_limit": 4.5}],
        "results": {"app.py": [{"type": "Secret Keyword", "hashed_secret": sha1_hex(PASSWORD.encode()),
                                "is_secret": False, "is_verified": False, "line_number": 3}]},
    }  # fmt: skip
    source = tmp_path / ".secrets.baseline"
    source.write_text(json.dumps(old))
    assert read_detect_secrets(source) == [("Secret Keyword", sha1_hex(PASSWORD.encode()), False)]
    assert not marker.exists()


def test_unreadable_detect_secrets_files_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / ".secrets.baseline"
    bad.write_text('{"results": {}}')
    with pytest.raises(BaselineError, match=r'not a detect-secrets baseline \(no "version" and "results"\)$'):
        read_detect_secrets(bad)
    bad.write_text('{"version": "1.5.0", "results": {"a.py": [{"type": "X"}]}}')
    with pytest.raises(BaselineError, match=r"unreadable detect-secrets baseline \(KeyError: 'hashed_secret'\)$"):
        read_detect_secrets(bad)
    with pytest.raises(BaselineError, match="^detect-secrets baseline not found: "):
        read_detect_secrets(tmp_path / "missing")


def test_engine_computes_baseline_digests_only_when_asked(tmp_path: Path) -> None:
    from secretscan.cli.common import cache_dir
    from secretscan.config import Settings
    from secretscan.detect.engine import Engine
    from secretscan.detect.scanner import Detector
    from secretscan.pipeline import scan
    from secretscan.ruleset.loader import load_rules
    from secretscan.sources.files import FileSource

    (tmp_path / "app.env").write_text(f"GITHUB_TOKEN={PAT}\n")
    (tmp_path / "secret.yaml").write_text(  # a structural match: a Kubernetes Secret's value by its name
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  db-pass: WnE4I21QMiF2TDl4\n"
    )
    rules = load_rules(cache_dir=cache_dir())

    def digests(settings: Settings) -> set[tuple[str, str, str | None, str | None]]:
        found = scan([FileSource(tmp_path, settings)], Detector(Engine(rules, cache_dir()), settings)).findings
        return {(f.rule_id, f.first.provenance.path, f.keyed_hash, f.sha1) for f in found}

    k8s = "secretscan.kubernetes.secret-value"
    value = b"Zq8#mP2!vL9x"  # what the base64 in the Secret decodes to
    assert digests(Settings(use_git=False)) == {(PAT_RULE, "app.env", None, None), (k8s, "secret.yaml", None, None)}
    assert digests(Settings(use_git=False, baseline_key=KEY, baseline_sha1=True)) == {
        (PAT_RULE, "app.env", keyed_hash(KEY, identity_key(PAT_RULE), PAT.encode()), sha1_hex(PAT.encode())),
        (k8s, "secret.yaml", keyed_hash(KEY, identity_key(k8s), value), sha1_hex(value)),
    }
    assert "kkkk" not in repr(Settings(baseline_key=KEY))


def test_findings_repr_never_shows_baseline_digests() -> None:
    f = password(sha1=True)
    assert f.keyed_hash is not None and f.sha1 is not None
    assert f.keyed_hash not in repr(f) and f.sha1 not in repr(f)
    assert repr(replace(f, status=Status.BASELINED)).count("keyed_hash") == 0
