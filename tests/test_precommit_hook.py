"""The pre-commit hooks: `secretscan install-hook` (plain git) and .pre-commit-hooks.yaml
(the pre-commit framework, run through `pre-commit try-repo` itself)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from git_fixtures import PAT_RULE, T1, Repo, init

ROOT = Path(__file__).resolve().parents[1]


def secretscan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secretscan", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def commit(repo: Repo, message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-m", message], cwd=repo.path, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = init(tmp_path / "repo")
    repo.write("README.md", "demo\n")
    repo.commit("init")
    return repo


def test_install_hook_writes_an_executable_hook(repo: Repo) -> None:
    res = secretscan("install-hook", cwd=repo.path)
    assert res.returncode == 0, res.stderr
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    assert res.stdout.strip() == f"installed secretscan pre-commit hook: {hook}"
    assert hook.stat().st_mode & stat.S_IXUSR
    text = hook.read_text()
    assert text.startswith("#!/bin/sh\n# secretscan pre-commit hook")
    assert f"exec {sys.executable} -m secretscan scan --staged --quiet" in text
    again = secretscan("install-hook", cwd=repo.path)
    assert (again.returncode, again.stdout.strip()) == (0, f"secretscan pre-commit hook already installed: {hook}")


def test_install_hook_refuses_to_overwrite_without_force(repo: Repo) -> None:
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho mine\n")
    res = secretscan("install-hook", str(repo.path), cwd=repo.path.parent)
    assert res.returncode == 2
    assert res.stderr.startswith(f"secretscan: error: {hook} already exists: pass --force")
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    forced = secretscan("install-hook", "--force", str(repo.path), cwd=repo.path.parent)
    assert forced.returncode == 0, forced.stderr
    assert "# secretscan pre-commit hook" in hook.read_text()


def test_install_hook_respects_core_hooks_path(repo: Repo) -> None:
    repo.git("config", "core.hooksPath", ".githooks")
    (repo.path / "sub").mkdir()
    res = secretscan("install-hook", cwd=repo.path / "sub")
    assert res.returncode == 0, res.stderr
    assert (repo.path / ".githooks" / "pre-commit").is_file()
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()


def test_install_hook_outside_a_repository_is_an_error(tmp_path: Path) -> None:
    res = secretscan("install-hook", str(tmp_path), cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.startswith("secretscan: error: not a git repository")


def test_installed_hook_blocks_a_secret_and_lets_a_clean_commit_through(repo: Repo) -> None:
    assert secretscan("install-hook", cwd=repo.path).returncode == 0
    repo.write("deploy.env", f"TOKEN={T1}\n")
    repo.git("add", "deploy.env")
    blocked = commit(repo, "add token")
    assert blocked.returncode != 0
    assert PAT_RULE in blocked.stdout + blocked.stderr
    assert T1 not in blocked.stdout + blocked.stderr
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"
    repo.git("rm", "-q", "--cached", "deploy.env")
    repo.write("notes.txt", "nothing secret\n")
    repo.git("add", "notes.txt")
    passed = commit(repo, "clean")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "No secrets found" not in passed.stdout + passed.stderr  # the hook runs with --quiet
    assert repo.git("rev-list", "--count", "HEAD").strip() == "2"


def test_installed_hook_judges_what_commit_a_records(repo: Repo) -> None:
    """`git commit -a` stages into a temporary index: the hook must read that one."""
    assert secretscan("install-hook", cwd=repo.path).returncode == 0
    repo.write("README.md", f"demo\nkey {T1}\n")
    blocked = subprocess.run(["git", "commit", "-a", "-m", "edit"], cwd=repo.path, capture_output=True, text=True)
    assert blocked.returncode != 0
    assert PAT_RULE in blocked.stdout + blocked.stderr
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"


def test_hooks_manifest_is_what_the_framework_expects() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["secretscan"]
    hook = hooks[0]
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == ("secretscan scan --staged --quiet", "python", False)


def _hook_repository(dest: Path) -> Path:
    """This project as a hook repository: the files a build needs, committed."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, dest / name)
    for folder in ("secretscan", "rules"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    hook_repo = Repo(dest)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "hook repository")):
        hook_repo.git(*args)
    return dest


_NO_NETWORK = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
               "Network is unreachable", "No matching distribution found")


@pytest.mark.skipif(os.environ.get("SECRETSCAN_SKIP_NETWORK_TESTS") == "1", reason="needs the package registry")
def test_pre_commit_framework_runs_the_hook(tmp_path: Path) -> None:
    """`pre-commit try-repo` builds the hook's environment from this project (this needs the
    package registry for the dependencies) and runs it on a repository with a staged secret."""
    hook_repo = _hook_repository(tmp_path / "hookrepo")
    target = init(tmp_path / "target")
    target.write("ok.txt", "fine\n")
    target.commit("init")
    target.write("app.env", f"TOKEN={T1}\n")
    target.git("add", "app.env")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never",
           "PIP_CACHE_DIR": str(Path(tempfile.gettempdir()) / "secretscan-tests-pip-cache")}  # downloads only
    pre_commit = Path(sys.executable).with_name("pre-commit")

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(pre_commit), "try-repo", str(hook_repo), "secretscan"], cwd=target.path,
                              capture_output=True, text=True, env=env, timeout=900)

    failed = try_repo()
    output = failed.stdout + failed.stderr
    if failed.returncode != 1 and any(sign in output for sign in _NO_NETWORK):
        pytest.skip("the hook environment could not be installed: no access to the package registry")
    assert failed.returncode == 1, output
    assert "secretscan (staged secrets)" in output and "Failed" in output
    assert PAT_RULE in output and "app.env:1:7" in output
    assert T1 not in output
    target.git("rm", "-q", "--cached", "app.env")
    target.write("notes.txt", "nothing to see\n")
    target.git("add", "notes.txt")
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
