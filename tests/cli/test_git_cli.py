"""`secretscan scan --history/--branch/--since/--range/--staged` as a user runs them: a real
process, real repositories, exact exit codes and report contents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from git_fixtures import PAT_RULE, T1, T2, T3, T4, Repo, init, scripted_history


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secretscan", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def report(res: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def locations(doc: dict[str, Any]) -> set[tuple[str, str, int, str, bool | None, str | None]]:
    out = set()
    for f in doc["findings"]:
        assert f["rule_id"] == PAT_RULE
        for loc in f["locations"]:
            removed = loc.get("removed_in", {}).get("summary")
            out.add((f["preview"][-4:], loc["path"], loc["line"], loc["commit"]["summary"], loc.get("in_tip"), removed))
    return out


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return scripted_history(tmp_path_factory.mktemp("cli") / "repo")


def test_history_scan_reports_every_location_and_exits_1(scripted: Repo) -> None:
    res = run("scan", "--history", "-f", "json", str(scripted.path))
    assert res.returncode == 1, res.stderr
    doc = report(res)
    assert locations(doc) == {
        (T1[-4:], "config/app.env", 2, "add config", False, "move config"),
        (T1[-4:], "settings/app.env", 2, "move config", False, "comment settings"),
        (T1[-4:], "settings/app.env", 3, "comment settings", True, None),
        (T2[-4:], "tools/deploy.sh", 3, "add deploy", False, "remove token from deploy"),
        (T2[-4:], "scripts/ci.sh", 1, "re-add token in ci", True, None),
        (T3[-4:], "feature.txt", 1, "feature secret", False, None),
        (T4[-4:], "topic.txt", 1, "topic secret", True, None),
    }
    assert len(doc["findings"]) == 4  # one per secret, not one per commit
    for secret in (T1, T2, T3, T4):
        assert secret not in res.stdout and secret not in res.stderr


def test_history_scan_in_sarif_and_console(scripted: Repo) -> None:
    sarif = run("scan", "--history", "-f", "sarif", str(scripted.path))
    assert sarif.returncode == 1, sarif.stderr
    assert len(json.loads(sarif.stdout)["runs"][0]["results"]) >= 4
    console = run("scan", "--history", str(scripted.path))
    assert console.returncode == 1
    assert f"@{scripted.shas['add deploy'][:10]}" in console.stdout


def test_branch_since_and_range(scripted: Repo) -> None:
    main_only = report(run("scan", "--branch", "main", "-f", "json", str(scripted.path)))
    assert "feature.txt" not in {loc[1] for loc in locations(main_only)}
    since = run("scan", "--since", scripted.shas["comment settings"], "-f", "json", str(scripted.path))
    assert since.returncode == 1
    assert locations(report(since)) == {(T4[-4:], "topic.txt", 1, "topic secret", True, None)}
    clean_range = run("scan", "--range", f"{scripted.shas['add deploy']}..{scripted.shas['remove token from deploy']}",
                      str(scripted.path))
    assert clean_range.returncode == 0, clean_range.stdout + clean_range.stderr
    assert "No secrets found" in clean_range.stdout


def test_shallow_clone_exits_2_with_how_to_fetch_history(scripted: Repo, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{scripted.path}", str(shallow)], check=True)
    res = run("scan", "--history", str(shallow))
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr.startswith("secretscan: error: ") and res.stderr.count("\n") == 1
    assert "shallow clone" in res.stderr and "git fetch --unshallow" in res.stderr and "fetch-depth: 0" in res.stderr
    allowed = run("scan", "--history", "--allow-shallow", "-f", "json", str(shallow))
    assert allowed.returncode == 1
    assert any("shallow" in note for note in report(allowed)["notes"])


def test_missing_range_base_exits_2(scripted: Repo, tmp_path: Path) -> None:
    res = run("scan", "--range", "origin/nothing..HEAD", str(scripted.path))
    assert res.returncode == 2
    assert "range base 'origin/nothing' is not a commit in this repository" in res.stderr
    since = run("scan", "--since", "v9.9", str(scripted.path))
    assert since.returncode == 2
    assert "--since 'v9.9' is not a commit" in since.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--staged", "--history"), "--staged scans the index"),
        (("--since", "HEAD", "--range", "HEAD..HEAD"), "give one of them"),
        (("--range", "a..b", "--branch", "main"), "--range names its own commits"),
        (("--history", "--no-git"), "need git"),
    ],
)
def test_conflicting_options_exit_2(scripted: Repo, args: tuple[str, ...], message: str) -> None:
    res = run("scan", *args, str(scripted.path))
    assert res.returncode == 2
    assert message in res.stderr


def test_history_outside_a_repository_exits_2(tmp_path: Path) -> None:
    res = run("scan", "--history", str(tmp_path))
    assert res.returncode == 2
    assert res.stderr.startswith("secretscan: error: not a git repository")


def test_staged_scan_exit_codes(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write("a.txt", "hello\n")
    repo.commit("init")
    repo.write("b.env", f"KEY={T1}\n")
    repo.git("add", "b.env")
    repo.write("b.env", "KEY=changed-after-staging\n")
    found = run("scan", "--staged", "-f", "json", cwd=repo.path)
    assert found.returncode == 1, found.stderr
    doc = report(found)
    assert [(f["rule_id"], f["path"], f["line"]) for f in doc["findings"]] == [(PAT_RULE, "b.env", 1)]
    assert doc["findings"][0]["locations"][0]["source"] == "staged"
    repo.git("reset", "-q")
    clean = run("scan", "--staged", "--quiet", cwd=repo.path)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")


def test_jobs_option_gives_the_same_report(scripted: Repo) -> None:
    one = report(run("scan", "--history", "-j", "1", "-f", "json", str(scripted.path)))
    two = report(run("scan", "--history", "-j", "2", "-f", "json", str(scripted.path)))
    for doc in (one, two):
        doc["summary"].pop("seconds")
    assert one == two


def test_no_progress_bar_when_not_a_terminal(scripted: Repo) -> None:
    res = run("scan", "--history", "-f", "json", str(scripted.path))
    assert res.stderr == ""


def test_progress_bar_draws_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    import secretscan.cli.progress as progress

    monkeypatch.setattr(progress, "SHOW_AFTER_SECONDS", 0.0)
    out = io.StringIO()
    bar = progress.DelayedBar(Console(file=out, force_terminal=True, width=120))
    bar.plan(10, 2_000_000)
    bar.advance(4, 1_000_000)
    bar._live.refresh()  # noqa: SLF001 - draw now rather than on rich's timer
    bar.close()
    drawn = out.getvalue()
    assert "scanning" in drawn and "4/10 blobs" in drawn and "1.0/2.0 MB" in drawn


def test_quick_scans_never_draw_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    import secretscan.cli.progress as progress

    out = io.StringIO()
    bar = progress.DelayedBar(Console(file=out, force_terminal=True))
    bar.advance(1, 2000)
    bar.close()
    assert out.getvalue() == ""


def test_staged_from_a_subfolder_reports_repository_paths(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write("src/x.py", f"TOKEN = '{T2}'\n")
    repo.write("other/y.txt", f"{T3}\n")
    repo.git("add", "-A")
    res = run("scan", "--staged", "-f", "json", cwd=repo.path / "src")
    assert [(f["path"], f["line"]) for f in report(res)["findings"]] == [("src/x.py", 1)]
