"""`secretscan install-hook`: a plain git pre-commit hook, for teams without the pre-commit framework."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from secretscan.errors import EXIT_CLEAN, GitError, UsageError

MARKER = "# secretscan pre-commit hook"


def hook_script(python: str) -> str:
    """The hook: run this installation of secretscan on the staged content, else the one on
    PATH; fail closed (block the commit) when neither can be found."""
    exe = shlex.quote(python)
    return f"""#!/bin/sh
{MARKER} (written by `secretscan install-hook`).
# Blocks a commit whose staged content holds a secret; bypass once with `git commit --no-verify`.
if [ -x {exe} ]; then
    exec {exe} -m secretscan scan --staged --quiet
fi
if command -v secretscan >/dev/null 2>&1; then
    exec secretscan scan --staged --quiet
fi
echo "secretscan pre-commit hook: secretscan is not installed; install it or remove $0" >&2
exit 1
"""


def hooks_dir(repo: Path) -> Path:
    """The hooks folder git uses for ``repo`` (honours core.hooksPath and worktrees)."""
    from secretscan.sources.git_common import first_line, run_git

    if not repo.is_dir():
        raise UsageError(f"not a folder: {repo}")
    out = run_git(repo, "rev-parse", "--git-path", "hooks", check=False)
    if out.returncode != 0:
        raise GitError(f"not a git repository: {repo} ({first_line(out.stderr)})")
    return (repo / os.fsdecode(out.stdout.strip())).resolve()


@click.command("install-hook")
@click.argument("repo", required=False, default=Path("."), type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing pre-commit hook.")
def install_hook(repo: Path, force: bool) -> int:
    """Write a git pre-commit hook that runs `secretscan scan --staged`."""
    hook = hooks_dir(repo) / "pre-commit"
    script = hook_script(sys.executable)
    if hook.is_file() and hook.read_text(encoding="utf-8", errors="replace") == script:
        click.echo(f"secretscan pre-commit hook already installed: {hook}")
        return EXIT_CLEAN
    if (hook.exists() or hook.is_symlink()) and not force:
        raise UsageError(
            f"{hook} already exists: pass --force to replace it, or call "
            "`secretscan scan --staged` from it yourself"
        )
    try:
        hook.parent.mkdir(parents=True, exist_ok=True)
        if hook.is_symlink():
            hook.unlink()
        hook.write_text(script, encoding="utf-8")
        hook.chmod(0o755)
    except OSError as exc:
        raise UsageError(f"cannot write {hook}: {exc.strerror or exc}") from None
    click.echo(f"installed secretscan pre-commit hook: {hook}")
    return EXIT_CLEAN
