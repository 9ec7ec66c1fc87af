"""Helpers shared by commands: settings, rules, cache location, output files."""

from __future__ import annotations

import os
from pathlib import Path

from secretscan.config import Settings, find_config, load_settings
from secretscan.errors import UsageError
from secretscan.model import Rule
from secretscan.ruleset.loader import load_dirs, load_rules


def cache_dir() -> Path:
    explicit = os.environ.get("SECRETSCAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "secretscan"


def settings_for(target: Path, config: Path | None) -> Settings:
    if config is not None and not config.is_file():
        raise UsageError(f"config file not found: {config}")
    return load_settings(config if config is not None else find_config(target.resolve()))


def rules_for(settings: Settings, extra: tuple[Path, ...] = (), only: tuple[Path, ...] = ()) -> list[Rule]:
    """Built-in plus configured and extra rule folders, or only the given folders."""
    if only:
        return load_dirs(only)
    return load_rules((*settings.rules_dirs, *extra), settings.disable_rules, cache_dir=cache_dir())


def write_output(text: str, output: Path | None) -> None:
    """Write a report to stdout, or to a file atomically (a temporary file in the same folder,
    then a rename, so a reader never sees half a report). A path that exists and is not a
    regular file (/dev/null, /dev/stdout, a FIFO) is written to in place: renaming over it
    would replace the device with a file."""
    if output is None:
        import click

        click.echo(text, nl=False)
        return
    import tempfile

    try:
        if output.exists() and not output.is_file():
            with output.open("w", encoding="utf-8") as fh:
                fh.write(text)
            return
        fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, output)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
