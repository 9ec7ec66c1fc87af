"""`fix --write` killed at any moment leaves every file either old or new (checked by hashing),
and a second run completes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from secretscan.apply.changes import ChangeSet
from secretscan.apply.changes_json import PATH, to_json
from secretscan.apply.model import Edit, FileChange, Mask, sha256_bytes

FILES = 120
PAD = "# padding line that must survive byte for byte\n" * 5000  # ~240 KB per file


def build(root: Path, plan: Path) -> tuple[dict[str, str], dict[str, str]]:
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    changes = []
    for i in range(FILES):
        rel = f"svc{i:03d}/application.yml"
        value = f"s3cr3t-{i:04d}-Zq8xW2vB7nL4kR9t"
        text = f"spring:\n  datasource:\n    password: {value}\n{PAD}"
        start = text.index(value)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
        after = text[:start] + "${DB_PASSWORD}" + text[start + len(value) :]
        old[rel], new[rel] = sha256_bytes(text.encode()), sha256_bytes(after.encode())
        changes.append(
            FileChange(
                rel,
                "spring-placeholder",
                "placeholder",
                old[rel],
                (Edit(start, start + len(value), "${DB_PASSWORD}"),),
                (Mask(start, start + len(value), "s3c…9t"),),
            )
        )
    (plan / PATH).parent.mkdir(parents=True, exist_ok=True)
    (plan / PATH).write_text(to_json(ChangeSet(tuple(changes), ())))
    return old, new


def run_fix(root: Path, plan: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "secretscan", "fix", str(root), "--plan", str(plan), "--write"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def states(root: Path, old: dict[str, str], new: dict[str, str]) -> list[str]:
    out = []
    for rel in sorted(old):
        digest = sha256_bytes((root / rel).read_bytes())
        assert digest in (old[rel], new[rel]), f"{rel} is neither the old nor the new file"
        out.append("new" if digest == new[rel] else "old")
    return out


def test_killed_fix_leaves_each_file_old_or_new(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    timing_root = tmp_path / "timing"
    old, new = build(timing_root, plan)
    started = time.monotonic()
    assert run_fix(timing_root, plan).wait(timeout=300) == 0
    whole = time.monotonic() - started
    assert states(timing_root, old, new) == ["new"] * FILES
    mixed = False
    for attempt, fraction in enumerate((0.55, 0.7, 0.8, 0.9, 0.95)):
        root = tmp_path / f"run{attempt}"
        old, new = build(root, plan)
        proc = run_fix(root, plan)
        time.sleep(whole * fraction)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        seen = states(root, old, new)  # asserts old-or-new for every file
        if "old" in seen and "new" in seen:
            mixed = True
            assert run_fix(root, plan).wait(timeout=300) == 0  # the second run finishes the rest
            assert states(root, old, new) == ["new"] * FILES
            break
    assert mixed, "no attempt was killed in the middle of the writes"
