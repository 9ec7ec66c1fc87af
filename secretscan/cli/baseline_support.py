"""What the baseline commands and `scan --baseline` share: the baseline key, a scan of a tree,
and the gate's use of a baseline.

The baseline key (for keyed entries of password-like secrets) is never in the baseline. It is
taken from, in order: `--baseline-key-file FILE`, the environment variable
``SECRETSCAN_BASELINE_KEY``, ``baseline_key_file`` in the config, and the per-user key file
``$XDG_CONFIG_HOME/secretscan/baseline.key``, which `baseline create|update|import` creates
(mode 0600) the first time they write a keyed entry. A CI job gating on such a baseline needs
the same key: store the key file's content as a CI secret and expose it as
``SECRETSCAN_BASELINE_KEY``. The key is never printed or logged.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

import click

from secretscan.config import Settings
from secretscan.errors import ConfigError
from secretscan.inventory.baseline import Baseline, apply_baseline, dumps, load
from secretscan.model import ScanResult

KEY_ENV = "SECRETSCAN_BASELINE_KEY"
MIN_KEY_BYTES = 16


@dataclass(frozen=True, slots=True)
class BaselineKey:
    key: bytes = field(repr=False)
    origin: str  # where it came from, for messages (never the key itself)
    save_to: Path | None = None  # a key made now: saved there once a keyed entry is written


def user_key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "secretscan" / "baseline.key"


def find_key(key_file: Path | None, settings: Settings) -> BaselineKey | None:
    """The baseline key from the first place that has one, or None."""
    if key_file is not None:
        return _from_file(key_file, "--baseline-key-file")
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        return BaselineKey(_checked(env.encode("utf-8"), KEY_ENV), KEY_ENV)
    if settings.baseline_key_file is not None:
        return _from_file(settings.baseline_key_file, "baseline_key_file in the config")
    user = user_key_path()
    return _from_file(user, "the user key file") if user.is_file() else None


def key_or_new(key_file: Path | None, settings: Settings) -> BaselineKey:
    """The baseline key, or a new one to be saved as the user key file if it gets used."""
    found = find_key(key_file, settings)
    if found is not None:
        return found
    return BaselineKey(secrets.token_hex(32).encode("ascii"), "a new user key", user_key_path())


def _from_file(path: Path, what: str) -> BaselineKey:
    try:
        raw = path.read_bytes().strip()
    except OSError as exc:
        raise ConfigError(f"cannot read the baseline key file {path} ({what}): {exc.strerror}") from None
    return BaselineKey(_checked(raw, f"{what} {path}"), f"{what} {path}")


def _checked(key: bytes, origin: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"the baseline key from {origin} is too short: use at least {MIN_KEY_BYTES} random bytes")
    return key


def save_key(path: Path, key: bytes) -> None:
    """Write a new key file readable by its owner only; never replace an existing one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key + b"\n")
    except OSError as exc:
        raise ConfigError(f"cannot create the baseline key file {path}: {exc.strerror}") from None


def write_baseline(baseline: Baseline, target: Path, key: BaselineKey | None) -> None:
    """Write ``baseline`` (saving a new key first if its keyed entries use it), and say what
    a CI job needs to match keyed entries."""
    from secretscan.cli.common import write_output

    keyed = len(baseline.keyed)
    if keyed and key is not None and key.save_to is not None:
        save_key(key.save_to, key.key)
        click.echo(f"secretscan: created the baseline key {key.save_to} (mode 0600)", err=True)
    write_output(dumps(baseline), target)
    if keyed and key is not None:
        origin = str(key.save_to) if key.save_to is not None else key.origin
        click.echo(
            f"secretscan: {keyed} keyed entr{'y' if keyed == 1 else 'ies'} (password-like secrets) can match only with the "
            f"baseline key from {origin}: give CI the same key as the secret {KEY_ENV}",
            err=True,
        )


def timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> date:
    return datetime.now(timezone.utc).date()


def scan_tree(path: Path, settings: Settings, history: bool) -> ScanResult:
    """Scan the working tree under ``path`` (or its whole git history) as `scan` would."""
    from secretscan.cli.runner import GitMode, run_sources

    return run_sources((path,), settings, GitMode(history=history))


@dataclass(frozen=True, slots=True)
class GateBaseline:
    """A baseline the gate judges findings by (`scan --baseline FILE`)."""

    baseline: Baseline
    key: bytes | None = field(default=None, repr=False)

    def prepare(self, settings: Settings) -> Settings:
        """Settings that make the engine compute the digests this baseline matches on."""
        return replace(settings, baseline_key=self.key, baseline_sha1=self.baseline.has_imported)

    def apply(self, result: ScanResult, partial: bool, echo: bool) -> ScanResult:
        """Judge findings by the baseline; its warnings go into the result's notes (and to
        stderr when ``echo``: the report does not show them on the terminal)."""
        judged = apply_baseline(result, self.baseline, today(), key=self.key, partial=partial)
        if echo:
            for note in judged.notes[len(result.notes) :]:
                click.echo(f"secretscan: warning: {note}", err=True)
        return judged


def open_gate(path: Path | None, key_file: Path | None, settings: Settings) -> GateBaseline | None:
    """The baseline given with `--baseline` (None without), with its key if it has keyed entries."""
    if path is None:
        return None
    baseline = load(path)
    key = find_key(key_file, settings) if baseline.keyed else None
    return GateBaseline(baseline, key.key if key is not None else None)
