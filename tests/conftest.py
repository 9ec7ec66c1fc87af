"""Hermetic test set-up: no user config, cache or git identity leaks in from $HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


@pytest.fixture(autouse=True)
def _hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("SECRETSCAN_CACHE_DIR", str(_shared_cache(tmp_path_factory)))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.test")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.test")
    monkeypatch.delenv("SECRETSCAN_DEBUG", raising=False)
    yield


_CACHE: list[Path] = []


def _shared_cache(factory: pytest.TempPathFactory) -> Path:
    """One compiled-database cache for the whole session (compiling is the slow part)."""
    if not _CACHE:
        _CACHE.append(factory.mktemp("cache"))
    return _CACHE[0]
