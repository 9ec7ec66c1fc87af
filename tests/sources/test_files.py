from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import git, init_repo
from secretscan.config import Settings
from secretscan.errors import InputError
from secretscan.model import Skipped
from secretscan.sources.files import FileSource, is_excluded


def collect(target: Path, **settings: object) -> tuple[dict[str, bytes], dict[str, str]]:
    blobs: dict[str, bytes] = {}
    skipped: dict[str, str] = {}
    for item in FileSource(target, Settings(**settings)).items():  # type: ignore[arg-type]
        if isinstance(item, Skipped):
            skipped[item.path] = item.reason
        else:
            blob, prov = item
            blobs[prov.path] = blob.data
    return blobs, skipped


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "tracked.txt").write_text("tracked\n")
    (repo / "sub").mkdir()
    (repo / "sub" / "nested.py").write_text("x = 1\n")
    (repo / ".gitignore").write_text("ignored.log\nbuild/\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    (repo / "untracked.txt").write_text("new\n")
    (repo / "ignored.log").write_text("ignored\n")
    (repo / "build").mkdir()
    (repo / "build" / "out.txt").write_text("ignored\n")
    return repo


def test_git_mode_scans_tracked_and_untracked_not_ignored(repo: Path) -> None:
    blobs, skipped = collect(repo)
    assert sorted(blobs) == [".gitignore", "sub/nested.py", "tracked.txt", "untracked.txt"]
    assert skipped == {}


def test_git_mode_on_a_subfolder_reports_repo_relative_paths(repo: Path) -> None:
    blobs, _ = collect(repo / "sub")
    assert sorted(blobs) == ["sub/nested.py"]


def test_no_git_scans_everything_but_the_git_dir(repo: Path) -> None:
    blobs, _ = collect(repo, use_git=False)
    assert sorted(blobs) == [
        ".gitignore",
        "build/out.txt",
        "ignored.log",
        "sub/nested.py",
        "tracked.txt",
        "untracked.txt",
    ]


def test_deleted_tracked_file_is_not_an_error(repo: Path) -> None:
    (repo / "tracked.txt").unlink()
    blobs, skipped = collect(repo)
    assert "tracked.txt" not in blobs and skipped == {}


def test_binary_large_and_outside_symlinks_are_reported_skips(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00rest")
    (root / "big.txt").write_bytes(b"a" * 2000)
    outside = tmp_path / "outside.txt"
    outside.write_text("secret stuff\n")
    os.symlink(outside, root / "link-out")
    (root / "inside.txt").write_text("inside\n")
    os.symlink(root / "inside.txt", root / "link-in")
    blobs, skipped = collect(root, use_git=False, max_file_size=1000)
    assert sorted(blobs) == ["inside.txt"]
    assert skipped == {
        "image.png": "binary file",
        "big.txt": "larger than the size limit (2000 > 1000 bytes)",
        "link-out": "symbolic link points outside the scanned root; not followed",
    }


def test_utf16_with_bom_is_transcoded_and_invalid_utf8_kept(tmp_path: Path) -> None:
    (tmp_path / "u16.txt").write_bytes("password=hunter2\n".encode("utf-16"))
    (tmp_path / "bad.txt").write_bytes(b"token=\xff\xfeabc\n")
    blobs, skipped = collect(tmp_path, use_git=False)
    assert blobs == {"u16.txt": b"password=hunter2\n", "bad.txt": b"token=\xff\xfeabc\n"}
    assert skipped == {}


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="path not found"):
        collect(tmp_path / "nope")


def test_excludes_apply_to_repo_relative_paths(repo: Path) -> None:
    blobs, _ = collect(repo, exclude=("sub", "*.txt"))
    assert sorted(blobs) == [".gitignore"]


@pytest.mark.parametrize(
    ("path", "pattern", "excluded"),
    [
        ("vendor/lib/a.js", "vendor", True),
        ("src/vendor/a.js", "vendor", True),  # a bare name matches at any depth
        ("src/vendored/a.js", "vendor", False),
        ("docs/guide/a.md", "docs/**/*.md", True),
        ("docs/a.md", "docs/*.md", True),
        ("src/docs/a.md", "docs/*.md", False),
        ("a.min.js", "*.min.js", True),
        ("lib/a.min.js", "*.min.js", True),
        ("lib/a.js", "*.min.js", False),
    ],
)
def test_is_excluded(path: str, pattern: str, excluded: bool) -> None:
    assert is_excluded(path, [pattern]) is excluded
