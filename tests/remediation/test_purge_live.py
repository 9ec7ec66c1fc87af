"""The plan's history purge, run for real: `secretscan plan --history` on a scripted repository,
then purge/purge-history.sh (git filter-repo on a mirror clone), after which a history scan of
the result finds none of the purged secrets and everything else is still there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES
from git_fixtures import Repo, init, token

BIN = Path(sys.executable).parent
T_ENV, T_CFG, T_CFG2 = token("purge-env"), token("purge-config"), token("purge-config-2")
KEY = (FIXTURES / "demo/deploy/id_deploy").read_text()


def tools_env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}


def secretscan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "secretscan"), *args], capture_output=True, text=True, timeout=300, env=tools_env()
    )


def history_fingerprints(repo: Path) -> set[str]:
    res = secretscan("scan", "--history", "-q", "-f", "json", "--fail-on", "none", str(repo))
    assert res.returncode == 0, res.stderr
    return {f["fingerprint"] for f in json.loads(res.stdout)["findings"]}


def scripted(path: Path, fix: bool = True) -> Repo:
    repo = init(path)
    repo.write("README.md", "# service\n")
    repo.write(".env", f"GITHUB_TOKEN={T_ENV}\n")
    repo.write("deploy/id_deploy", KEY)
    repo.write("config/app.yaml", f"name: api\ngithub_token: {T_CFG}\nport: 8080\n")
    repo.commit("add service")
    repo.write("config/app.yaml", f"name: api\ngithub_token: {T_CFG2}\nport: 8081\n")
    repo.commit("rotate token in config")
    if fix:
        repo.write("config/app.yaml", "name: api\ngithub_token: ${GITHUB_TOKEN}\nport: 8081\n")
        repo.commit("read the token from the environment")
    return repo


def make_plan(repo: Repo, out: Path) -> dict:  # type: ignore[type-arg]
    res = secretscan("plan", str(repo.path), "--history", "-o", str(out), "--target", "application")
    assert res.returncode == 0, res.stderr
    return json.loads((out / "plan.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def purged(tmp_path_factory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("purge")
    repo = scripted(base / "repo")
    plan = make_plan(repo, base / "plan")
    work = base / "work"
    work.mkdir()
    res = subprocess.run(
        ["bash", str(base / "plan/purge/purge-history.sh"), str(repo.path), str(work)],
        capture_output=True,
        text=True,
        timeout=300,
        env=tools_env(),
        cwd=base / "plan",
    )
    return repo, plan, base / "plan", work / "mirror.git", res


def test_the_plan_lists_the_secret_files_and_the_secret_versions(purged) -> None:  # type: ignore[no-untyped-def]
    repo, plan, folder, _, _ = purged
    assert (folder / "purge/paths.txt").read_text() == ".env\ndeploy/id_deploy\n"
    versions = sorted(
        {
            repo.blob_id(f"{repo.shas['add service']}:config/app.yaml"),
            repo.blob_id(f"{repo.shas['rotate token in config']}:config/app.yaml"),
        }
    )
    assert (folder / "purge/blob-ids.txt").read_text() == "".join(f"{b}\n" for b in versions)
    assert (folder / "purge/fingerprints.txt").read_text().split() == [s["fingerprint"] for s in plan["secrets"]]
    assert {s["rule_id"] for s in plan["secrets"]} == {"secretscan.github.pat", "secretscan.private-key.openssh"}
    assert len(plan["secrets"]) == 4


def test_after_the_purge_a_history_scan_finds_none_of_the_secrets(purged) -> None:  # type: ignore[no-untyped-def]
    repo, plan, _, mirror, res = purged
    assert res.returncode == 0, res.stdout + res.stderr
    planned = {s["fingerprint"] for s in plan["secrets"]}
    assert planned <= history_fingerprints(repo.path)  # the source is untouched
    assert history_fingerprints(mirror) & planned == set()
    assert f"git -C '{mirror}' push --force --all '{repo.path}'" in res.stdout


def test_everything_else_survives_the_purge(purged) -> None:  # type: ignore[no-untyped-def]
    repo, _, _, mirror, _ = purged
    git = lambda *a: subprocess.run(["git", "-C", str(mirror), *a], capture_output=True, text=True, check=True).stdout  # noqa: E731
    assert git("show", "HEAD:config/app.yaml") == "name: api\ngithub_token: ${GITHUB_TOKEN}\nport: 8081\n"
    assert git("show", "HEAD:README.md") == "# service\n"
    # "rotate token in config" changed only a stripped version: filter-repo drops the emptied commit.
    assert git("log", "--format=%s", "HEAD").splitlines() == ["read the token from the environment", "add service"]
    assert git("log", "--all", "--format=%H", "--", ".env", "deploy/id_deploy") == ""
    assert git("ls-tree", "-r", "--name-only", "HEAD~1") == "README.md\n"  # the secret-bearing version is gone


def test_the_purge_refuses_while_the_tip_still_holds_a_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    repo = scripted(tmp_path / "repo", fix=False)
    make_plan(repo, tmp_path / "plan")
    work = tmp_path / "work"
    work.mkdir()
    res = subprocess.run(
        ["bash", str(tmp_path / "plan/purge/purge-history.sh"), str(repo.path), str(work)],
        capture_output=True,
        text=True,
        timeout=300,
        env=tools_env(),
    )
    assert res.returncode == 1
    assert res.stderr.splitlines()[-2:] == [
        "the default branch still holds these secret-bearing files; remove the values and commit first:",
        "config/app.yaml",
    ]


def test_the_replace_text_route_fills_its_file_locally(purged, tmp_path) -> None:  # type: ignore[no-untyped-def]
    repo, _, folder, _, _ = purged
    report = secretscan("scan", "--history", "--show-secrets", "-q", "-f", "json", "--fail-on", "none", str(repo.path))
    res = subprocess.run(
        [sys.executable, str(folder / "purge/fill-replacements.py"), str(folder / "purge/fingerprints.txt")],
        input=report.stdout,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0
    lines = sorted(res.stdout.splitlines())
    assert [line.split("==>")[0] for line in lines] == sorted(f"literal:{t}" for t in (T_ENV, T_CFG, T_CFG2))
    assert "multi-line value" in res.stderr  # the private key goes by path
    template = (folder / "purge/replacements.template").read_text()
    assert all(t not in template for t in (T_ENV, T_CFG, T_CFG2))
