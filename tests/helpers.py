"""Shared test helpers (importable as `helpers`: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from secretscan.model import Rule
from secretscan.ruleset.schema import rules_from_document


def make_rules(*specs: dict[str, Any]) -> list[Rule]:
    """Rules built in memory for engine tests, independent of the built-in rule set."""
    base = {"kind": "api_key", "examples": ["x"], "negative_examples": ["y"], "name": "n"}
    return rules_from_document({"provider": "Test", "rules": [{**base, **s} for s in specs]}, "test.yml")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return stdout (raises on failure)."""
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return out.stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Test Author")
    git(path, "config", "user.email", "author@example.test")
    git(path, "config", "commit.gpgsign", "false")
    return path
