"""Scripted git histories for the git walker, pipeline, CLI and hook tests.

Tokens are shaped like GitHub classic PATs (``ghp_`` + 36 alphanumerics, rule
secretscan.github.pat) and derived from a seed, so each test secret is distinct, high in
entropy, and valid nowhere.
"""

from __future__ import annotations

import hashlib
import os
import string
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

PAT_RULE = "secretscan.github.pat"
_ALPHABET = string.digits + string.ascii_letters


def token(seed: str) -> str:
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    while len(chars) < 36:
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return "ghp_" + "".join(chars)


@dataclass
class Repo:
    """A repository in tmp_path with deterministic commit dates (one day apart)."""

    path: Path
    day: int = 0
    shas: dict[str, str] = field(default_factory=dict)  # commit message -> sha

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        out = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
        )
        return out.stdout

    def write(self, rel: str, content: str | bytes) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)

    def commit(self, message: str, *, add: bool = True) -> str:
        if add:
            self.git("add", "-A")
        self.day += 1
        when = f"2024-01-{self.day:02d}T12:00:00+00:00"
        self.git("commit", "-q", "--allow-empty", "-m", message, env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
        sha = self.git("rev-parse", "HEAD").strip()
        self.shas[message] = sha
        return sha

    def blob_id(self, rev_path: str) -> str:
        return self.git("rev-parse", rev_path).strip()


def init(path: Path) -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    repo = Repo(path)
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", "Test Author")
    repo.git("config", "user.email", "author@example.test")
    repo.git("config", "commit.gpgsign", "false")
    return repo


T1, T2, T3, T4, T5 = (token(f"secretscan-test-{i}") for i in range(1, 6))


def scripted_history(path: Path) -> Repo:
    """A history where secrets are added, moved, removed, re-added, kept on a side branch and
    merged from a topic branch. Commit messages name the commits in ``Repo.shas``."""
    repo = init(path)
    repo.write("README.md", "# demo\n")
    repo.write("config/app.env", f"APP=demo\nGITHUB_TOKEN={T1}\n")
    repo.commit("add config")
    repo.git("mv", "config", "settings")
    repo.commit("move config")
    repo.write("tools/deploy.sh", f"#!/bin/sh\nset -e\nexport GH={T2}\n")
    repo.commit("add deploy")
    repo.write("tools/deploy.sh", "#!/bin/sh\nset -e\n")
    repo.commit("remove token from deploy")
    repo.write("scripts/ci.sh", f"GH={T2}\n")
    repo.commit("re-add token in ci")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feature.txt", f"{T3}\n")
    repo.commit("feature secret")
    repo.git("checkout", "-q", "main")
    repo.write("settings/app.env", f"# settings\nAPP=demo\nGITHUB_TOKEN={T1}\n")
    repo.commit("comment settings")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("topic.txt", f"topic {T4}\n")
    repo.commit("topic secret")
    repo.git("checkout", "-q", "main")
    repo.day += 1
    when = f"2024-01-{repo.day:02d}T12:00:00+00:00"
    repo.git("merge", "-q", "--no-ff", "-m", "merge topic", "topic", env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    repo.shas["merge topic"] = repo.git("rev-parse", "HEAD").strip()
    return repo
