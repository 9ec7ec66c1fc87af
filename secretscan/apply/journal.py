"""The migration journal: what ``migrate`` did, step by step, so that ``--resume`` continues an
interrupted run and ``--rollback`` restores the files. It records Vault paths, keys and versions,
and files with their digests and where their old bytes are kept; never a value.

It lives outside the working tree when it can (``<git-dir>/secretscan/``, so it is never
committed or scanned), else in ``<root>/.secretscan/``. Old bytes of a rewritten file are kept
as a git object (``git hash-object -w``: nothing new in the working tree) or, without git, in a
private copy (mode 0600) beside the journal. Each journal write is atomic.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from secretscan.apply.atomic import write_atomic
from secretscan.apply.fixer import Keeper, read, safe_path
from secretscan.apply.model import sha256_bytes
from secretscan.errors import InputError

VERSION = 1
NAME = "migrate-journal.json"


def journal_dir(root: Path) -> Path:
    res = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--absolute-git-dir"], capture_output=True, text=True, check=False
    )
    if res.returncode == 0 and res.stdout.strip():
        return Path(res.stdout.strip()) / "secretscan"
    return root / ".secretscan"


@dataclass
class Journal:
    path: Path
    root: Path
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, root: Path, vault_addr: str) -> Journal:
        folder = journal_dir(root)
        j = cls(folder / NAME, root, {
            "version": VERSION,
            "root": str(root),
            "started": _now(),
            "state": "started",
            "vault_addr": vault_addr,
            "vault": [],
            "config": [],
            "files": [],
        })  # fmt: skip
        j.save()
        return j

    @classmethod
    def load(cls, root: Path) -> Journal | None:
        path = journal_dir(root) / NAME
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"the migration journal {path} cannot be read: {exc}") from None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise InputError(f"the migration journal {path} is not a version {VERSION} journal")
        return cls(path, root, data)

    @property
    def state(self) -> str:
        return str(self.data.get("state", ""))

    def set_state(self, state: str) -> None:
        self.data["state"] = state
        self.data["updated"] = _now()
        self.save()

    def record_vault(self, entry: dict[str, Any]) -> None:
        self.data["vault"].append(entry)
        self.save()

    def record_config(self, entry: dict[str, Any]) -> None:
        self.data["config"].append(entry)
        self.save()

    def record_file(self, entry: dict[str, Any]) -> None:
        self.data["files"].append(entry)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(self.path, (json.dumps(self.data, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class JournalKeeper(Keeper):
    """Keeps old bytes as a git object when the root is a git work tree, else as a private copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = journal_dir(root)

    def keep(self, path: Path, data: bytes) -> dict[str, str]:
        res = subprocess.run(
            ["git", "-C", str(self.root), "hash-object", "-w", "--stdin"], input=data, capture_output=True, check=False
        )
        if res.returncode == 0:
            return {"git_blob": res.stdout.decode().strip()}
        backup = self.folder / "backup" / sha256_bytes(data)
        backup.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return {"file": str(backup)}


def kept_bytes(root: Path, ref: dict[str, str]) -> bytes | None:
    if "git_blob" in ref:
        res = subprocess.run(
            ["git", "-C", str(root), "cat-file", "blob", ref["git_blob"]], capture_output=True, check=False
        )
        return res.stdout if res.returncode == 0 else None
    if "file" in ref:
        try:
            return Path(ref["file"]).read_bytes()
        except OSError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class Restored:
    path: str
    status: str  # restored | unchanged | skipped
    reason: str = ""


def rollback(journal: Journal) -> list[Restored]:
    """Restore every file the journal says was changed, newest first, when it still holds what
    the migration wrote (a file edited since is left alone and reported)."""
    root = journal.root
    out: list[Restored] = []
    for entry in reversed(journal.data.get("files", [])):
        rel = str(entry["path"])
        current = read(root, rel)
        after = entry.get("after_sha256")
        if entry.get("untracked"):
            res = subprocess.run(["git", "-C", str(root), "reset", "-q", "--", rel], capture_output=True, check=False)
            out.append(
                Restored(
                    rel,
                    "restored" if res.returncode == 0 else "skipped",
                    "tracked again" if res.returncode == 0 else "git reset failed",
                )
            )
            continue
        if after is None and not entry.get("deleted"):
            out.append(Restored(rel, "skipped", "no record of the new content"))
            continue
        now = None if current is None else sha256_bytes(current)
        if (entry.get("deleted") and current is not None) or (not entry.get("deleted") and now != after):
            out.append(Restored(rel, "skipped", "changed since the migration: left as is"))
            continue
        if entry.get("before_sha256") is None:  # created by the migration
            if current is not None:
                safe_path(root, rel).unlink()
            out.append(Restored(rel, "restored", "removed (created by the migration)"))
            continue
        old = kept_bytes(root, entry.get("kept", {}))
        if old is None or sha256_bytes(old) != entry["before_sha256"]:
            out.append(Restored(rel, "skipped", "the kept copy of the old content is missing"))
            continue
        write_atomic(safe_path(root, rel), old)
        out.append(Restored(rel, "restored"))
    journal.set_state("rolled-back")
    return out
