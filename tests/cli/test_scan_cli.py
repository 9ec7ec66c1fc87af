"""The CLI end to end, as a user runs it: a real process, real files, exact exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sarif_kit.validate import validation_errors

from secretscan.ids import blob_id

TOKEN = "ghp_R2b8kQ7uYv3mXw9ZtL4nHc6pJd1sFa0eGi5o"
LOW_RULE = """
provider: Acme
rules:
  - id: secretscan.acme.debug-key
    name: Acme debug key
    kind: api_key
    pattern: '\\b(acmedbg_[a-z0-9]{12})\\b'
    keywords: [acmedbg_]
    confidence: high
    severity: low
    examples: ['k = acmedbg_q8w2e7r1t5y3']
    negative_examples: ['k = acmedbg_short']
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "secretscan", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "config.env").write_text(f"APP=demo\nGITHUB_TOKEN={TOKEN}\n")
    (root / "notes.txt").write_text("nothing to see\n")
    return root


@pytest.fixture
def low_rules(tmp_path: Path) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "acme.yml").write_text(LOW_RULE)
    return d


def test_exit_0_when_clean(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello\n")
    res = run("scan", "--no-git", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert "No secrets found" in res.stdout


def test_exit_1_on_findings_with_redacted_console_output(project: Path) -> None:
    res = run("scan", "--no-git", str(project))
    assert res.returncode == 1
    assert "secretscan.github.pat" in res.stdout
    assert "config.env:2:14" in res.stdout
    assert "ghp_…Gi5o" in res.stdout
    assert TOKEN not in res.stdout + res.stderr


def test_fail_on_threshold(project: Path, low_rules: Path) -> None:
    (project / "config.env").write_text("k = acmedbg_q8w2e7r1t5y3\n")
    assert run("scan", "--no-git", "--rules", str(low_rules), str(project)).returncode == 1
    assert run("scan", "--no-git", "--rules", str(low_rules), "--fail-on", "high", str(project)).returncode == 0
    assert run("scan", "--no-git", "--rules", str(low_rules), "--fail-on", "low", str(project)).returncode == 1
    assert run("scan", "--no-git", "--rules", str(low_rules), "--fail-on", "none", str(project)).returncode == 0


def test_inline_allow_does_not_fail_the_gate(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text(f"GITHUB_TOKEN={TOKEN}  # secretscan:allow\n")
    res = run("scan", "--no-git", "-f", "json", str(tmp_path))
    assert res.returncode == 0
    doc = json.loads(res.stdout)
    assert [(f["rule_id"], f["status"]) for f in doc["findings"]] == [("secretscan.github.pat", "allowed")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "/nonexistent/path/x"], "path not found: /nonexistent/path/x"),
        (["scan", "--config", "/nonexistent.toml", "."], "config file not found"),
        (["scan", "--format", "xml", "."], "Invalid value for '-f' / '--format'"),
        (["scan", "--bogus"], "No such option '--bogus'"),
        (["rules", "check", "__BADRULES__"], "problem(s)"),
    ],
)
def test_exit_2_on_usage_config_and_input_errors(args: list[str], message: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("provider: X\nrules:\n  - id: secretscan.x.y\n    name: n\n    kind: api_key\n"
                   "    pattern: 'x([a-z]+)'\n    examples: ['nomatch']\n    negative_examples: ['xabc']\n")
    args = [str(bad) if a == "__BADRULES__" else a for a in args]
    res = run(*args, cwd=tmp_path)
    assert res.returncode == 2, res.stdout + res.stderr
    assert message in res.stderr
    assert "Traceback" not in res.stderr


def test_exit_2_on_bad_config_file(project: Path) -> None:
    (project / ".secretscan.toml").write_text("exclude = 'not-a-list'\n")
    res = run("scan", "--no-git", str(project))
    assert res.returncode == 2
    assert res.stderr.strip().endswith("'exclude' must be a list of strings")
    assert len(res.stderr.strip().splitlines()) == 1


def test_exit_2_on_malformed_rule_yaml(tmp_path: Path, project: Path) -> None:
    rules = tmp_path / "r"
    rules.mkdir()
    (rules / "x.yml").write_text("provider: [unclosed\n")
    res = run("scan", "--no-git", "--rules", str(rules), str(project))
    assert res.returncode == 2
    assert "invalid YAML in" in res.stderr and "Traceback" not in res.stderr


def test_config_excludes_and_disables(project: Path) -> None:
    (project / ".secretscan.toml").write_text('exclude = ["*.env"]\n')
    assert run("scan", "--no-git", str(project)).returncode == 0
    (project / ".secretscan.toml").write_text('disable_rules = ["secretscan.github.pat"]\n')
    res = run("scan", "--no-git", "-f", "json", str(project))
    assert "secretscan.github.pat" not in {f["rule_id"] for f in json.loads(res.stdout)["findings"]}


def test_json_report_fields(project: Path) -> None:
    res = run("scan", "--no-git", "-f", "json", str(project))
    assert res.returncode == 1
    doc = json.loads(res.stdout)
    assert doc["version"] == 1
    (finding,) = [f for f in doc["findings"] if f["rule_id"] == "secretscan.github.pat"]
    assert (finding["path"], finding["line"], finding["column"]) == ("config.env", 2, 14)
    assert finding["kind"] == "service_token"
    assert finding["preview"] == "ghp_…Gi5o"
    assert len(finding["fingerprint"]) == 40
    assert "secret" not in finding


def test_sarif_validates_against_the_official_schema(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    res = run("scan", "--no-git", "-f", "sarif", "-o", str(out), str(project))
    assert res.returncode == 1
    doc = json.loads(out.read_text())
    assert validation_errors(doc) == []
    run_ = doc["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    (result,) = [r for r in run_["results"] if r["ruleId"] == "secretscan.github.pat"]
    assert rule_ids[result["ruleIndex"]] == "secretscan.github.pat"
    assert result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (2, 14)
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "config.env"
    rule = run_["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["properties"]["security-severity"] == "9.5"


def test_sarif_of_a_clean_scan_is_valid(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello\n")
    res = run("scan", "--no-git", "-f", "sarif", str(tmp_path))
    assert res.returncode == 0
    assert validation_errors(json.loads(res.stdout)) == []


def test_output_file_is_not_created_when_the_scan_fails(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    res = run("scan", "-f", "json", "-o", str(out), str(tmp_path / "missing"))
    assert res.returncode == 2
    assert not out.exists()


def test_skipped_files_are_reported(tmp_path: Path) -> None:
    data = b"\x00\x01\x02" * 10
    (tmp_path / "blob.bin").write_bytes(data)
    res = run("scan", "--no-git", "-f", "json", str(tmp_path))
    assert json.loads(res.stdout)["skipped"] == [{"path": "blob.bin", "reason": "binary file", "blob_id": blob_id(data)}]
    res = run("scan", "--no-git", str(tmp_path))
    assert "skipped blob.bin: binary file" in res.stdout


@pytest.mark.parametrize("fmt", ["console", "json", "sarif"])
def test_no_output_format_holds_a_full_secret(project: Path, fmt: str) -> None:
    revealed = json.loads(run("scan", "--no-git", "--show-secrets", "-f", "json", str(project)).stdout)
    secrets = {f["secret"] for f in revealed["findings"]}
    assert TOKEN in secrets
    res = run("scan", "--no-git", "-f", fmt, str(project))
    for secret in secrets:
        assert secret not in res.stdout + res.stderr


def test_rules_list_and_check() -> None:
    listed = run("rules", "list", "-f", "json")
    assert listed.returncode == 0
    assert "secretscan.github.pat" in {r["id"] for r in json.loads(listed.stdout)}
    md = run("rules", "list", "-f", "markdown")
    assert "| GitHub |" in md.stdout
    check = run("rules", "check")
    assert check.returncode == 0, check.stderr
    assert "all checks passed" in check.stdout


def test_version() -> None:
    res = run("--version")
    assert res.returncode == 0 and "secretscan" in res.stdout


def test_output_to_a_device_writes_in_place_and_keeps_the_device(project: Path) -> None:
    import stat

    before = Path("/dev/null").stat()
    res = run("scan", "--no-git", "-f", "json", "-o", "/dev/null", str(project))
    assert res.returncode == 1, res.stderr
    after = Path("/dev/null").stat()
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_output_file_is_replaced_atomically(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old")
    assert run("scan", "--no-git", "-f", "json", "-o", str(out), str(project)).returncode == 1
    assert json.loads(out.read_text())["version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".report")) == []


def test_fail_on_risk_uses_the_inventory_risk_level(project: Path, low_rules: Path) -> None:
    # A GitHub PAT in the working tree: service token, critical severity, high confidence, in the tip.
    assert run("scan", "--no-git", "--fail-on-risk", "critical", str(project)).returncode == 1
    # A low-severity key: its risk stays below high, whatever --fail-on says about severities.
    (project / "config.env").write_text("k = acmedbg_q8w2e7r1t5y3\n")
    assert run("scan", "--no-git", "--rules", str(low_rules), "--fail-on-risk", "high", str(project)).returncode == 0
    assert run("scan", "--no-git", "--rules", str(low_rules), "--fail-on-risk", "low", str(project)).returncode == 1
