"""The staged walker judges the index, never the working-tree copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from git_fixtures import PAT_RULE, T1, T2, T3, Repo, init

from secretscan.cli.common import cache_dir
from secretscan.config import Settings
from secretscan.detect.engine import Engine
from secretscan.detect.scanner import Detector
from secretscan.errors import GitError
from secretscan.model import ScanResult, SourceKind
from secretscan.pipeline import scan
from secretscan.ruleset.loader import load_rules
from secretscan.sources.staged import StagedSource

_RULES: list = []


def staged(path: Path, settings: Settings | None = None) -> ScanResult:
    if not _RULES:
        _RULES.extend(load_rules(cache_dir=cache_dir()))
    settings = settings or Settings()
    return scan([StagedSource(path, settings)], Detector(Engine(_RULES, cache_dir()), settings))


def found(result: ScanResult) -> set[tuple[str, int]]:
    out = set()
    for f in result.findings:
        assert f.rule_id == PAT_RULE
        for loc in f.locations:
            assert loc.provenance.kind is SourceKind.STAGED and loc.provenance.commit is None
            out.add((loc.provenance.path, loc.span.line))
    return out


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = init(tmp_path / "repo")
    repo.write("app.cfg", "name = demo\n")
    repo.write("old.txt", f"{T3}\n")
    repo.commit("base")
    return repo


def test_staged_content_is_judged_not_the_working_tree(repo: Repo) -> None:
    repo.write("app.cfg", f"name = demo\n\ntoken = {T1}\n")
    repo.git("add", "app.cfg")
    repo.write("app.cfg", "name = demo\n")  # cleaned after staging: the commit would still hold it
    repo.write("new.txt", f"{T2}\n")  # in the working tree only: not part of the commit
    assert found(staged(repo.path)) == {("app.cfg", 3)}


def test_secret_only_in_the_working_tree_is_not_reported(repo: Repo) -> None:
    repo.write("app.cfg", "name = demo\nmode = safe\n")
    repo.git("add", "app.cfg")
    repo.write("app.cfg", f"name = demo\ntoken = {T1}\n")
    result = staged(repo.path)
    assert found(result) == set()
    assert result.stats.blobs_scanned == 1


def test_deleted_files_are_not_scanned(repo: Repo) -> None:
    repo.git("rm", "-q", "old.txt")
    result = staged(repo.path)
    assert found(result) == set()
    assert result.stats.blobs_scanned == 0
    assert result.skipped == ()


def test_unchanged_committed_files_are_not_rescanned(repo: Repo) -> None:
    repo.write("added.txt", f"x = {T2}\n")
    repo.git("add", "added.txt")
    assert found(staged(repo.path)) == {("added.txt", 1)}  # old.txt holds T3 but is not part of the change


def test_first_commit_of_a_new_repository(tmp_path: Path) -> None:
    repo = init(tmp_path / "fresh")
    repo.write("a/b.txt", f"{T1}\n")
    repo.git("add", "-A")
    assert found(staged(repo.path)) == {("a/b.txt", 1)}


def test_nothing_staged_says_so(repo: Repo) -> None:
    result = staged(repo.path)
    assert result.findings == ()
    assert result.notes == ("nothing staged: no added or modified file to scan",)


def test_binary_lfs_submodule_and_oversized_are_reported(repo: Repo) -> None:
    repo.write("blob.bin", b"\x00\x01" + T1.encode())
    repo.write("big.txt", "y" * 3000 + f"\n{T2}\n")
    repo.write("asset.psd", "version https://git-lfs.github.com/spec/v1\noid sha256:" + "cd" * 32 + "\nsize 9\n")
    repo.git("add", "-A")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{'2' * 40},sub")
    result = staged(repo.path, Settings(max_file_size=2048))
    reasons = {s.path: s.reason.split(" (")[0].split(":")[0] for s in result.skipped}
    assert reasons == {
        "blob.bin": "binary file",
        "big.txt": "larger than the size limit",
        "asset.psd": "Git LFS pointer",
        "sub": "submodule",
    }
    assert found(result) == set()


def test_a_folder_limits_the_scan(repo: Repo) -> None:
    repo.write("docs/a.txt", f"{T1}\n")
    repo.write("src/b.txt", f"{T2}\n")
    repo.git("add", "-A")
    assert found(staged(repo.path / "src")) == {("src/b.txt", 1)}


def test_excluded_paths_are_skipped(repo: Repo) -> None:
    repo.write("vendor/x.txt", f"{T1}\n")
    repo.git("add", "-A")
    assert found(staged(repo.path, Settings(exclude=("vendor",)))) == set()


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="needs a git repository"):
        staged(tmp_path)
