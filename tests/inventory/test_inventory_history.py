"""Exposure and first-seen on scripted git histories, end to end through `secretscan inventory`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from git_fixtures import init, token

GH1, GH2, GH3 = token("inventory-moved"), token("inventory-removed"), token("inventory-readded")


def run_inventory(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "secretscan", "inventory", "-f", "json", *args, str(repo)],
        capture_output=True, text=True, timeout=300,
    )


def test_added_moved_removed_and_readded(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write("app/a.env", f"TOKEN={GH1}\n")
    repo.write("svc/b.env", f"TOKEN={GH2}\n")
    first = repo.commit("add tokens")
    (repo.path / "app/a.env").rename(repo.path / "app/moved.env")
    repo.commit("move a")
    (repo.path / "svc/b.env").unlink()
    removal = repo.commit("remove b")
    repo.write("svc/c.env", f"TOKEN={GH3}\n")
    repo.commit("add c")
    (repo.path / "svc/c.env").unlink()
    repo.commit("remove c")
    repo.write("svc/c2.env", f"TOKEN={GH3}\n")
    readd = repo.commit("re-add c")

    res = run_inventory(repo.path, "--history")
    assert res.returncode == 1, res.stderr
    items = {i["preview"]: i for i in json.loads(res.stdout)["items"]}
    moved, removed, readded = (items[t[:4] + "…" + t[-4:]] for t in (GH1, GH2, GH3))

    assert moved["exposure"]["state"] == "in_tip"
    assert sorted(moved["paths"]) == ["app/a.env", "app/moved.env"]
    assert moved["first_seen"]["sha"] == first

    assert removed["exposure"]["state"] == "history_only"
    assert removed["exposure"]["removed_in"]["sha"] == removal
    assert removed["first_seen"]["sha"] == first
    assert not any("still present in the tip" in r for r in removed["risk"]["reasons"])

    assert readded["exposure"]["state"] == "in_tip"
    assert sorted(readded["paths"]) == ["svc/c.env", "svc/c2.env"]
    assert {loc["path"]: loc["in_tip"] for loc in readded["locations"]} == {"svc/c.env": False, "svc/c2.env": True}
    assert readd in {loc["commit"]["sha"] for loc in readded["locations"]}
    assert readded["commits"] == 2


def test_fail_on_risk_level(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write("a.env", f"TOKEN={GH1}\n")
    repo.commit("add")
    assert run_inventory(repo.path, "--fail-on", "critical").returncode == 1
    assert run_inventory(repo.path, "--fail-on", "none").returncode == 0
