"""`secretscan baseline create|update|import` and `scan --baseline`, as a CI gate runs them:
real processes on real git repositories, exact exit codes, exact findings and warnings."""

from __future__ import annotations

from secretscan.detect.identity import identity_key

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from git_fixtures import PAT_RULE, token
from helpers import git, init_repo
from sarif_kit.validate import validation_errors

from secretscan.detect.digests import keyed_hash, sha1_hex
from secretscan.ids import fingerprint

PAT = token("baseline-pat")
NEW_PAT = token("baseline-new")
AWS = "AKIAQYLPMN5HHHFPZAM2"
PASSWORD = "vf4aThab0Y"
AWS_RULE = "secretscan.aws.access-key-id"
PW_RULE = "secretscan.generic.password-assignment"
BASELINE = ".secretscan-baseline.json"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "SECRETSCAN_BASELINE_KEY"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "secretscan", *args], capture_output=True, text=True, cwd=cwd, env=full, timeout=180
    )


def scan_json(repo: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    res = run("scan", "-f", "json", "--baseline", BASELINE, *args, ".", cwd=repo, env=env)
    assert res.returncode in (0, 1), res.stderr
    return res.returncode, json.loads(res.stdout), res.stderr


def by_status(doc: dict[str, Any], status: str) -> set[tuple[str, str, int]]:
    return {(f["rule_id"], f["path"], f["line"]) for f in doc["findings"] if f["status"] == status}


def user_key(home_config: Path) -> Path:
    return home_config / "secretscan" / "baseline.key"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    (root / "app.env").write_text(f"DB_PASSWORD={PASSWORD}\nGITHUB_TOKEN={PAT}\n")
    (root / "src").mkdir()
    (root / "src" / "aws.py").write_text(f'REGION = "eu-west-1"\naws_access_key_id = "{AWS}"\n')
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return root


@pytest.fixture
def config_home() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"])  # tests/conftest.py: inside the test's own HOME


KNOWN = {(PW_RULE, "app.env", 1), (PAT_RULE, "app.env", 2), (AWS_RULE, "src/aws.py", 2)}


def test_round_trip_fails_only_on_a_new_secret(repo: Path, config_home: Path) -> None:
    res = run("baseline", "create", cwd=repo)
    assert res.returncode == 0, res.stderr
    assert res.stdout == f"baseline {BASELINE}: 3 entries (1 keyed)\n"
    key_file = user_key(config_home)
    assert res.stderr == (
        f"secretscan: created the baseline key {key_file} (mode 0600)\n"
        "secretscan: 1 keyed entry (password-like secrets) can match only with the baseline key from "
        f"{key_file}: give CI the same key as the secret SECRETSCAN_BASELINE_KEY\n"
    )
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    entries = json.loads((repo / BASELINE).read_text())["entries"]
    assert {(e["rule_id"], e["keyed"]) for e in entries} == {(PW_RULE, True), (PAT_RULE, False), (AWS_RULE, False)}

    code, doc, stderr = scan_json(repo)
    assert (code, by_status(doc, "baselined"), by_status(doc, "new"), doc["notes"], stderr) == (0, KNOWN, set(), [], "")

    (repo / "deploy").mkdir()
    (repo / "deploy" / "new.env").write_text(f"# added later\nGITHUB_TOKEN={NEW_PAT}\n")
    code, doc, _ = scan_json(repo)
    assert (code, by_status(doc, "new"), by_status(doc, "baselined")) == (1, {(PAT_RULE, "deploy/new.env", 2)}, KNOWN)
    console = run("scan", "--baseline", BASELINE, ".", cwd=repo)
    assert console.returncode == 1 and "deploy/new.env:2" in console.stdout and "app.env:2" not in console.stdout


def test_moving_code_and_files_does_not_churn_the_baseline(repo: Path) -> None:
    assert run("baseline", "create", cwd=repo).returncode == 0
    before = (repo / BASELINE).read_bytes()
    res = run("baseline", "update", cwd=repo)
    assert res.returncode == 0, res.stderr
    assert res.stdout == f"baseline {BASELINE}: 3 kept, 0 added, 0 stale kept (--prune removes them)\n"
    assert (repo / BASELINE).read_bytes() == before

    (repo / "config" / "prod").mkdir(parents=True)
    git(repo, "mv", "app.env", "config/prod/app.env")
    (repo / "config" / "prod" / "app.env").write_text(f"# moved\nAPP=demo\n\nGITHUB_TOKEN={PAT}\nDB_PASSWORD={PASSWORD}\n")
    (repo / "src" / "aws.py").write_text(f'import os\n\n\naws_access_key_id = "{AWS}"\nREGION = "eu-west-1"\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "move things around")
    res = run("baseline", "update", "--prune", cwd=repo)
    assert res.stdout == f"baseline {BASELINE}: 3 kept, 0 added, 0 stale removed\n"
    assert (repo / BASELINE).read_bytes() == before
    code, doc, _ = scan_json(repo)
    assert (code, by_status(doc, "new")) == (0, set())


def test_keyed_entries_hold_no_guessable_hash_and_need_the_key(repo: Path, config_home: Path, tmp_path: Path) -> None:
    assert run("baseline", "create", cwd=repo).returncode == 0
    text = (repo / BASELINE).read_text()
    raw = PASSWORD.encode()
    for leak in (PASSWORD, fingerprint(PW_RULE, raw), hashlib.sha256(raw).hexdigest(), sha1_hex(raw), PAT, AWS):
        assert leak not in text
    key = user_key(config_home).read_bytes().strip()
    assert keyed_hash(key, identity_key(PW_RULE), raw) in text

    elsewhere = {"XDG_CONFIG_HOME": str(tmp_path / "no-key-here")}  # as on a CI runner without the key
    assert scan_json(repo, env={**elsewhere, "SECRETSCAN_BASELINE_KEY": key.decode()})[0] == 0
    key_copy = tmp_path / "ci.key"
    key_copy.write_bytes(key + b"\n")
    assert scan_json(repo, "--baseline-key-file", str(key_copy), env=elsewhere)[0] == 0

    code, doc, stderr = scan_json(repo, env=elsewhere)
    warning = (
        "baseline: the baseline has 1 keyed entry (password-like secrets) but no baseline key is available: they "
        "cannot match. Provide the key that made them (SECRETSCAN_BASELINE_KEY, e.g. from a CI secret, or "
        "--baseline-key-file); the secrets they cover are reported as new"
    )
    assert (code, by_status(doc, "new"), doc["notes"]) == (1, {(PW_RULE, "app.env", 1)}, [warning])
    assert stderr == f"secretscan: warning: {warning}\n"

    code, doc, stderr = scan_json(repo, env={**elsewhere, "SECRETSCAN_BASELINE_KEY": "another-key-entirely-0123456789"})
    assert (code, by_status(doc, "new")) == (1, {(PW_RULE, "app.env", 1)})
    assert "were made with key id" in doc["notes"][0] and stderr.startswith("secretscan: warning: baseline: the baseline's 1 keyed")

    short = run("scan", "--baseline", BASELINE, ".", cwd=repo, env={"SECRETSCAN_BASELINE_KEY": "short"})
    assert (short.returncode, short.stderr) == (
        2, "secretscan: error: the baseline key from SECRETSCAN_BASELINE_KEY is too short: use at least 16 random bytes\n")


def test_expired_and_stale_entries_are_warned_about(repo: Path) -> None:
    assert run("baseline", "create", cwd=repo).returncode == 0
    doc = json.loads((repo / BASELINE).read_text())
    (pat_entry,) = [e for e in doc["entries"] if e["rule_id"] == PAT_RULE]
    pat_entry.update(reason="test token", expires="2000-01-31")
    doc["entries"].append({"fingerprint": "e" * 40, "rule_id": "secretscan.removed", "keyed": False})
    (repo / BASELINE).write_text(json.dumps(doc))

    code, out, stderr = scan_json(repo)
    fp = pat_entry["fingerprint"][:12]
    notes = [
        f"baseline: entry {PAT_RULE} {fp} (test token) expired on 2000-01-31: it no longer suppresses app.env:2, "
        "reported as new again",
        "baseline: entry secretscan.removed eeeeeeeeeeee matched nothing in this scan (stale): "
        "`secretscan baseline update --prune` removes it",
    ]
    assert (code, by_status(out, "new"), out["notes"]) == (1, {(PAT_RULE, "app.env", 2)}, notes)
    assert stderr == "".join(f"secretscan: warning: {n}\n" for n in notes)

    sarif = run("scan", "-f", "sarif", "--baseline", BASELINE, ".", cwd=repo)
    run_doc = json.loads(sarif.stdout)
    assert validation_errors(run_doc) == []
    notified = [n["message"]["text"] for n in run_doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    assert notified == notes


def test_update_keeps_review_fields_adds_new_and_prunes_on_request(repo: Path) -> None:
    assert run("baseline", "create", cwd=repo).returncode == 0
    doc = json.loads((repo / BASELINE).read_text())
    (pat_entry,) = [e for e in doc["entries"] if e["rule_id"] == PAT_RULE]
    pat_entry.update(reason="fixture token", reviewer="ana", expires="2999-12-31")
    (repo / BASELINE).write_text(json.dumps(doc))
    (aws_entry,) = [e for e in doc["entries"] if e["rule_id"] == AWS_RULE]

    git(repo, "rm", "-q", "src/aws.py")
    (repo / "more.env").write_text(f"GITHUB_TOKEN={NEW_PAT}\n")
    res = run("baseline", "update", cwd=repo)
    assert res.stdout == (
        f"baseline {BASELINE}: 3 kept, 1 added, 1 stale kept (--prune removes them)\n"
        f"  stale: {AWS_RULE} {aws_entry['fingerprint'][:12]}\n"
    )
    entries = json.loads((repo / BASELINE).read_text())["entries"]
    added = {"fingerprint": fingerprint(PAT_RULE, NEW_PAT.encode()), "rule_id": PAT_RULE, "keyed": False}
    assert [e for e in entries if e["rule_id"] == PAT_RULE] == sorted([pat_entry, added], key=lambda e: e["fingerprint"])
    assert aws_entry in entries

    res = run("baseline", "update", "--prune", cwd=repo)
    assert res.stdout.startswith(f"baseline {BASELINE}: 3 kept, 0 added, 1 stale removed\n")
    assert {e["rule_id"] for e in json.loads((repo / BASELINE).read_text())["entries"]} == {PW_RULE, PAT_RULE}
    assert scan_json(repo)[0] == 0


def detect_secrets(repo: Path) -> dict[str, Any]:
    """A real detect-secrets baseline of ``repo``, made by detect-secrets itself."""
    res = subprocess.run([sys.executable, "-m", "detect_secrets", "scan"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def test_detect_secrets_import_carries_audited_false_positives(tmp_path: Path, config_home: Path) -> None:
    repo = init_repo(tmp_path / "ds")
    (repo / "settings.py").write_text(f'github_token = "{PAT}"\naws_access_key_id = "{AWS}"\ndb_password = "{PASSWORD}"\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "settings")
    ds = detect_secrets(repo)
    assert {(r["type"], r["line_number"]) for r in ds["results"]["settings.py"]} == {
        ("Base64 High Entropy String", 1), ("GitHub Token", 1), ("AWS Access Key", 2), ("Secret Keyword", 3)}  # fmt: skip
    source = repo / ".secrets.baseline"
    source.write_text(json.dumps(ds, indent=2))

    res = run("baseline", "import", ".secrets.baseline", "-o", "unaudited.json", cwd=repo)
    assert res.stdout == (
        "baseline unaudited.json: 0 entries imported from .secrets.baseline; not carried over: 0 real secret(s) "
        "(is_secret: true), 4 unaudited (--include-unaudited takes them), 0 hashed by detect-secrets from a "
        "constant part (re-triage them with secretscan)\n"
    )

    for result in ds["results"]["settings.py"]:
        result["is_secret"] = False  # `detect-secrets audit`: all false positives
    source.write_text(json.dumps(ds, indent=2))
    res = run("baseline", "import", ".secrets.baseline", cwd=repo)
    assert res.returncode == 0, res.stderr
    assert res.stdout == (
        f"baseline {BASELINE}: 3 entries imported from .secrets.baseline; not carried over: 0 real secret(s) "
        "(is_secret: true), 0 unaudited (--include-unaudited takes them), 1 hashed by detect-secrets from a "
        "constant part (re-triage them with secretscan)\n"
    )
    entries = json.loads((repo / BASELINE).read_text())["entries"]
    assert {(e["rule_id"], e["keyed"], e["origin"]) for e in entries} == {
        ("detect-secrets:AWS Access Key", False, "detect-secrets"),
        ("detect-secrets:Base64 High Entropy String", True, "detect-secrets"),
        ("detect-secrets:Secret Keyword", True, "detect-secrets"),
    }
    assert sha1_hex(PASSWORD.encode()) not in (repo / BASELINE).read_text()

    code, doc, stderr = scan_json(repo)
    assert (code, by_status(doc, "baselined"), doc["notes"], stderr) == (
        0, {(PAT_RULE, "settings.py", 1), (AWS_RULE, "settings.py", 2), (PW_RULE, "settings.py", 3)}, [], "")

    # the SHA-1s and keyed hashes the engine computed for matching appear in no report
    key = user_key(config_home).read_bytes().strip()
    private = [sha1_hex(s.encode()) for s in (PAT, AWS, PASSWORD)]
    private += [keyed_hash(key, identity_key(rule), s.encode()) for rule, s in ((PAT_RULE, PAT), (AWS_RULE, AWS), (PW_RULE, PASSWORD))]
    for fmt in ("json", "sarif", "console"):
        out = run("scan", "-f", fmt, "--baseline", BASELINE, "--show-secrets", ".", cwd=repo)
        assert out.returncode == 0 and ("settings.py" in out.stdout or fmt == "console")
        assert [p for p in private if p in out.stdout + out.stderr] == []

    # a secret audited as real is not carried over: the gate keeps failing on it
    for result in ds["results"]["settings.py"]:
        result["is_secret"] = result["type"] != "AWS Access Key"
    source.write_text(json.dumps(ds, indent=2))
    (repo / BASELINE).unlink()
    assert run("baseline", "import", ".secrets.baseline", cwd=repo).returncode == 0
    code, doc, _ = scan_json(repo)
    assert (code, by_status(doc, "new")) == (1, {(PAT_RULE, "settings.py", 1), (PW_RULE, "settings.py", 3)})


def test_history_baseline_covers_secrets_removed_from_the_tree(repo: Path) -> None:
    git(repo, "rm", "-q", "src/aws.py")
    git(repo, "commit", "-q", "-m", "remove the key")
    assert run("baseline", "create", "-o", "tree.json", cwd=repo).stdout == "baseline tree.json: 2 entries (1 keyed)\n"
    assert run("baseline", "create", "--history", cwd=repo).stdout == f"baseline {BASELINE}: 3 entries (1 keyed)\n"
    history = run("scan", "--history", "-f", "json", "--baseline", "tree.json", ".", cwd=repo)
    assert (history.returncode, by_status(json.loads(history.stdout), "new")) == (1, {(AWS_RULE, "src/aws.py", 2)})
    assert run("scan", "--history", "--baseline", BASELINE, ".", cwd=repo).returncode == 0
