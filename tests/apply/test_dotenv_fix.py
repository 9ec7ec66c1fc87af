""".env files holding secrets leave git's index, are ignored, and get an example file of names:
the real scan and plan of a git repository (and of a plain folder) built in tmp_path."""

from __future__ import annotations

from pathlib import Path

from git_fixtures import Repo, init, token

from secretscan.apply import dotenv_fix
from secretscan.apply.model import FileChange, ManualChange, sha256_bytes
from secretscan.cli.apply_support import prepare
from secretscan.remediation.model import PlanContext, PlanOptions

GH = token("dotenv-fix")
ROOT_ENV = f"""# local settings
export DATABASE_URL=postgres://app:Dot-Url-Pw-21@localhost:5432/app
DB_PASSWORD="Dot-Qu0ted-Pw-45"  # inline comment
DEBUG=true
GITHUB_TOKEN='{GH}'
"""
PROD_ENV = "API_KEY=Dot-Ap1-K3y-Value-71\nLOG_LEVEL=info\n"
LOCAL_ENV = "DB_PASSWORD=Dot-L0cal-Pw-88\n"
VALUES = ("Dot-Url-Pw-21", "Dot-Qu0ted-Pw-45", GH, "Dot-Ap1-K3y-Value-71", "Dot-L0cal-Pw-88")


def context(root: Path) -> PlanContext:
    return prepare(root, PlanOptions(), None, reveal=False).ctx


def by_path(root: Path) -> tuple[dict[str, FileChange], list[ManualChange]]:
    changes, manual = dotenv_fix.changes(context(root))
    return {c.path: c for c in changes}, manual


def write_changes(repo: Repo | None, root: Path, changes: dict[str, FileChange]) -> None:
    for path, c in changes.items():
        if c.untrack:
            assert repo is not None
            repo.git("rm", "-q", "--cached", "--", path)
            continue
        before = (root / path).read_text(encoding="utf-8") if c.before_sha256 is not None else ""
        (root / path).write_text(c.after_text(before) or "", encoding="utf-8")


def service_repo(tmp_path: Path) -> Repo:
    repo = init(tmp_path / "repo")
    repo.write(".env", ROOT_ENV)
    repo.write("services/api/.env.production", PROD_ENV)
    repo.write("services/api/.env.sample", "API_KEY=Dot-Ap1-K3y-Sample-99\n")  # a template: never touched
    repo.write("tools/.env", "DEBUG=true\n")  # no finding: not touched
    repo.write(".gitignore", "node_modules/\n*.log")  # no final newline
    repo.write(".env.example", "# what to set\nDATABASE_URL=\n")
    repo.commit("app")
    repo.write("config/.env.local", LOCAL_ENV)  # untracked, not ignored
    return repo


def test_tracked_env_files_leave_the_index_are_ignored_and_get_examples(tmp_path: Path) -> None:
    repo = service_repo(tmp_path)
    changes, manual = by_path(repo.path)
    assert manual == []
    assert {p: c.kind for p, c in changes.items()} == {
        ".env": "dotenv-untrack",
        "services/api/.env.production": "dotenv-untrack",
        ".gitignore": "gitignore",
        ".env.example": "env-example",
        "config/.env.example": "env-example",
        "services/api/.env.example": "env-example",
    }
    for path, text in ((".env", ROOT_ENV), ("services/api/.env.production", PROD_ENV)):
        untrack = changes[path]
        assert (untrack.untrack, untrack.edits, untrack.masks, untrack.delete) == (True, (), (), False)
        assert untrack.before_sha256 == sha256_bytes(text.encode())
        assert "must be rotated" in untrack.description
    assert changes[".env"].description == (
        ".env leaves git's index (kept on disk, now ignored); its 3 secret value(s) "
        "(DATABASE_URL, DB_PASSWORD, GITHUB_TOKEN) stay in the git history and must be rotated"
    )
    after = {
        p: c.after_text((repo.path / p).read_text() if c.before_sha256 else "")
        for p, c in changes.items()
        if not c.untrack
    }
    assert after == {
        ".gitignore": "node_modules/\n*.log\n/.env\n/config/.env.local\n/services/api/.env.production\n",
        ".env.example": "# what to set\nDATABASE_URL=\nDB_PASSWORD=\nDEBUG=\nGITHUB_TOKEN=\n",
        "config/.env.example": "DB_PASSWORD=\n",
        "services/api/.env.example": "API_KEY=\nLOG_LEVEL=\n",
    }
    assert changes[".gitignore"].before_sha256 == sha256_bytes(b"node_modules/\n*.log")
    assert changes["config/.env.example"].before_sha256 is None
    shown = "".join(c.description + "".join(e.replacement for e in c.edits) for c in changes.values())
    assert [v for v in VALUES if v in shown] == []


def test_applying_then_planning_again_changes_nothing(tmp_path: Path) -> None:
    repo = service_repo(tmp_path)
    changes, _ = by_path(repo.path)
    write_changes(repo, repo.path, changes)
    assert repo.git("ls-files", "--", ".env", "services/api/.env.production") == ""
    assert (repo.path / ".env").read_text() == ROOT_ENV  # kept on disk
    assert repo.git("check-ignore", ".env", "config/.env.local", "services/api/.env.production").split() == [
        ".env",
        "config/.env.local",
        "services/api/.env.production",
    ]
    assert by_path(repo.path) == ({}, [])


def test_an_existing_pattern_and_a_complete_example_are_left_alone(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write(".gitignore", ".env*\n!.env.example\n")
    repo.write(".env", ROOT_ENV)
    repo.write(".env.example", "DATABASE_URL=\nDB_PASSWORD=\nDEBUG=\nGITHUB_TOKEN=\n")
    repo.git("add", "-f", ".env", ".gitignore", ".env.example")
    repo.commit("forced", add=False)
    changes, manual = by_path(repo.path)
    assert manual == []
    assert {p: c.kind for p, c in changes.items()} == {".env": "dotenv-untrack"}


def test_outside_git_an_exact_line_counts_and_nothing_is_untracked(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "app").mkdir(parents=True)
    (root / ".env").write_text(ROOT_ENV)
    (root / "app" / ".env.local").write_text(LOCAL_ENV)
    (root / ".gitignore").write_text("/.env\n")
    changes, manual = by_path(root)
    assert manual == []
    assert {p: (c.kind, c.untrack) for p, c in changes.items()} == {
        ".gitignore": ("gitignore", False),
        ".env.example": ("env-example", False),
        "app/.env.example": ("env-example", False),
    }
    assert changes[".gitignore"].after_text("/.env\n") == "/.env\n/app/.env.local\n"
    write_changes(None, root, changes)
    assert (root / ".env.example").read_text() == "DATABASE_URL=\nDB_PASSWORD=\nDEBUG=\nGITHUB_TOKEN=\n"
    assert by_path(root) == ({}, [])  # the files are still scanned, but everything is in place


def test_a_direnv_script_is_left_to_a_person(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / ".envrc").write_text("export DB_PASSWORD=Dot-Qu0ted-Pw-45\n")
    changes, manual = by_path(root)
    assert [(m.path, m.reason) for m in manual] == [
        (".envrc", "a direnv script: move its values out and ignore it by hand")
    ]
    assert changes == {}  # not ignored either: the person decides


def test_ignore_lines_are_anchored_and_escaped() -> None:
    assert dotenv_fix.ignore_line("a b/.env") == "/a b/.env"
    assert dotenv_fix.ignore_line("x[1]/*.env") == "/x\\[1]/\\*.env"
    assert dotenv_fix.example_path("svc/.env.production") == "svc/.env.example"
    assert dotenv_fix.example_path("svc/app.env") == "svc/app.env.example"
    assert [
        dotenv_fix.is_env_file(p) for p in (".env", ".env.local", "a/.env.example", ".env.sample", ".env.template")
    ] == [
        True,
        True,
        False,
        False,
        False,
    ]
