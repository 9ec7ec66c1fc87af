"""The fixer judges each change against the file on disk, writes atomically, keeps old bytes for
rollback, and never shows a value in a diff."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from git_fixtures import init, token

from secretscan.apply.fixer import APPLIED, READY, STALE, apply_changes, diff, masked, state
from secretscan.apply.journal import Journal, JournalKeeper, journal_dir, rollback
from secretscan.apply.model import Edit, FileChange, Mask, apply, sha256_bytes

VALUE = token("fixer-value")
BEFORE = f"# keep me\nkey: {VALUE}  # trailing comment\nother: 'x'\n"
START = BEFORE.index(VALUE)
END = START + len(VALUE)
AFTER = "# keep me\nkey: ${API_TOKEN}  # trailing comment\nother: 'x'\n"


def edit_change(path: str = "app.yml", before: str = BEFORE) -> FileChange:
    return FileChange(
        path=path,
        kind="spring-placeholder",
        description="value -> placeholder",
        before_sha256=sha256_bytes(before.encode()),
        edits=(Edit(START, END, "${API_TOKEN}"),),
        masks=(Mask(START, END, "ghp_…abcd"),),
        fingerprints=("fp1",),
    )


def test_apply_replaces_only_the_spans() -> None:
    assert apply(BEFORE, (Edit(START, END, "${API_TOKEN}"),)) == AFTER
    assert apply("abcdef", (Edit(4, 5, "X"), Edit(0, 1, "YY"))) == "YYbcdXf"
    with pytest.raises(ValueError):
        apply("abcdef", (Edit(0, 3, ""), Edit(2, 4, "")))


def test_state_ready_applied_stale(tmp_path: Path) -> None:
    change = edit_change()
    (tmp_path / "app.yml").write_text(BEFORE)
    assert state(tmp_path, change).status == READY
    (tmp_path / "app.yml").write_text(AFTER)
    assert state(tmp_path, change).status == APPLIED
    (tmp_path / "app.yml").write_text(BEFORE.replace("other", "changed"))
    st = state(tmp_path, change)
    assert (st.status, st.reason) == (STALE, "changed since the scan")
    (tmp_path / "app.yml").unlink()
    assert state(tmp_path, change).status == STALE


def test_write_then_second_run_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "app.yml"
    target.write_text(BEFORE)
    target.chmod(0o640)
    first = apply_changes(tmp_path, [edit_change()], write=True)
    assert [(o.path, o.status) for o in first] == [("app.yml", "changed")]
    assert target.read_text() == AFTER
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert first[0].after_sha256 == sha256_bytes(AFTER.encode())
    mtime = target.stat().st_mtime_ns
    second = apply_changes(tmp_path, [edit_change()], write=True)
    assert [(o.path, o.status) for o in second] == [("app.yml", "applied")]
    assert target.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == ["app.yml"]  # no temporary file left


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "app.yml").write_text(BEFORE)
    out = apply_changes(tmp_path, [edit_change()], write=False)
    assert [(o.status, o.after_sha256) for o in out] == [("would-change", sha256_bytes(AFTER.encode()))]
    assert (tmp_path / "app.yml").read_text() == BEFORE


def test_file_changed_since_scan_is_left_untouched(tmp_path: Path) -> None:
    edited = BEFORE + "added: later\n"
    (tmp_path / "app.yml").write_text(edited)
    out = apply_changes(tmp_path, [edit_change()], write=True)
    assert [(o.status, o.reason) for o in out] == [("stale", "changed since the scan")]
    assert (tmp_path / "app.yml").read_text() == edited


def test_create_delete_and_paths_outside_root(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").write_text("kind: Secret\n")
    changes = [
        FileChange(".env.example", "env-example", "names", None, (Edit(0, 0, "API_TOKEN=\n"),)),
        FileChange("gone.yaml", "k8s-external-secret", "only Secrets", sha256_bytes(b"kind: Secret\n"), delete=True),
        FileChange("../outside.txt", "x", "", None, (Edit(0, 0, "x"),)),
    ]
    out = apply_changes(tmp_path, changes, write=True)
    assert [(o.path, o.status) for o in out] == [
        (".env.example", "changed"),
        ("gone.yaml", "changed"),
        ("../outside.txt", "failed"),
    ]
    assert (tmp_path / ".env.example").read_text() == "API_TOKEN=\n"
    assert not (tmp_path / "gone.yaml").exists() and not (tmp_path.parent / "outside.txt").exists()
    again = apply_changes(tmp_path, changes[:2], write=True)
    assert [o.status for o in again] == ["applied", "applied"]


def test_diff_shows_previews_never_values() -> None:
    text = diff(edit_change(), BEFORE)
    assert VALUE not in text
    assert text.splitlines() == [
        "--- a/app.yml",
        "+++ b/app.yml",
        "@@ -1,3 +1,3 @@",
        " # keep me",
        "-key: ghp_…abcd  # trailing comment",
        "+key: ${API_TOKEN}  # trailing comment",
        " other: 'x'",
    ]
    assert masked("a SECRET b", [Mask(2, 8, "S…")]) == "a S… b"


def test_untrack_keeps_file_and_rollback_restores(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    repo.write(".env", f"API_TOKEN={VALUE}\n")
    repo.write("app.yml", BEFORE)
    repo.commit("initial")
    root = repo.path
    env_sha = sha256_bytes((root / ".env").read_bytes())
    changes = [
        FileChange(".env", "dotenv-untrack", "untrack", env_sha, untrack=True),
        FileChange(".gitignore", "gitignore", "ignore .env", None, (Edit(0, 0, "/.env\n"),)),
        edit_change(),
    ]
    journal = Journal.start(root, "http://127.0.0.1:1")
    keeper = JournalKeeper(root)

    def record(change, outcome, kept):  # type: ignore[no-untyped-def]
        journal.record_file({"path": change.path, "before_sha256": change.before_sha256, "after_sha256": outcome.after_sha256,
                             "kept": kept, "deleted": change.delete, "untracked": change.untrack})  # fmt: skip

    out = apply_changes(root, changes, write=True, keeper=keeper, on_written=record)
    assert [o.status for o in out] == ["changed", "changed", "changed"]
    assert repo.git("ls-files").split() == ["app.yml"]
    assert (root / ".env").read_text() == f"API_TOKEN={VALUE}\n"  # kept on disk
    assert journal.path.parent == journal_dir(root) == root / ".git" / "secretscan"
    assert VALUE not in journal.path.read_text()
    restored = rollback(Journal.load(root))  # type: ignore[arg-type]
    assert [(r.path, r.status) for r in restored] == [
        ("app.yml", "restored"),
        (".gitignore", "restored"),
        (".env", "restored"),
    ]
    assert (root / "app.yml").read_text() == BEFORE
    assert not (root / ".gitignore").exists()
    assert repo.git("ls-files").split() == [".env", "app.yml"]
    assert repo.git("status", "--porcelain") == ""


def test_rollback_leaves_a_file_edited_after_the_fix(tmp_path: Path) -> None:
    root = tmp_path / "plain"  # no git: old bytes kept in a private copy
    root.mkdir()
    (root / "app.yml").write_text(BEFORE)
    journal = Journal.start(root, "http://127.0.0.1:1")

    def record(change, outcome, kept):  # type: ignore[no-untyped-def]
        journal.record_file(
            {
                "path": change.path,
                "before_sha256": change.before_sha256,
                "after_sha256": outcome.after_sha256,
                "kept": kept,
            }
        )

    apply_changes(root, [edit_change()], write=True, keeper=JournalKeeper(root), on_written=record)
    kept = journal.data["files"][0]["kept"]
    assert list(kept) == ["file"] and stat.S_IMODE(os.stat(kept["file"]).st_mode) == 0o600
    (root / "app.yml").write_text(AFTER + "edited: later\n")
    restored = rollback(journal)
    assert [(r.status, r.reason) for r in restored] == [("skipped", "changed since the migration: left as is")]
    assert (root / "app.yml").read_text() == AFTER + "edited: later\n"
