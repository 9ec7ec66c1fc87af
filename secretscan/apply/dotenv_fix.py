"""``.env`` files holding secrets: the file leaves git's index but stays on disk (``git rm
--cached``), the root ``.gitignore`` gets an anchored line for it, and an example file beside it
(``.env.example``) lists the variable names with no value, so that a new checkout knows what to
set. The values are still in git history: the change's description says they must be rotated.

Only files of the .env walker that hold findings are handled; templates (``.env.example``,
``.env.sample``, ...) are never touched. A direnv ``.envrc`` (a shell script) is left to a person.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from secretscan.apply.fix_support import UNREADABLE, Found, fingerprints, split, text_digest
from secretscan.apply.model import Edit, FileChange, ManualChange
from secretscan.model import Storage
from secretscan.remediation.artefact_places import live_locations, read_source, source_root
from secretscan.remediation.model import PlanContext
from secretscan.sources.dotenv import entries
from secretscan.sources.parser_paths import is_dotenv_path

GITIGNORE = ".gitignore"
TEMPLATE_SUFFIXES = frozenset({".example", ".sample", ".template", ".tmpl", ".tpl", ".dist", ".skel", ".defaults"})
_GLOB_CHARS = "\\*?["


def changes(ctx: PlanContext) -> tuple[list[FileChange], list[ManualChange]]:
    root = source_root(ctx)
    found = env_files(ctx)
    if root is None or not found:
        return [], []
    results: list[FileChange | ManualChange | None] = []
    handled: dict[str, str] = {}  # env file -> its text
    for path in sorted(found):
        text = read_source(ctx, path)
        if PurePosixPath(path).name == ".envrc":
            results.append(
                ManualChange(
                    path, "a direnv script: move its values out and ignore it by hand", fingerprints(found[path])
                )
            )
        elif text is None:
            results.append(ManualChange(path, UNREADABLE, fingerprints(found[path])))
        else:
            handled[path] = text
    git = is_git_tree(root)
    for path, text in handled.items():
        if git and is_tracked(root, path):
            results.append(untrack(path, text, found[path]))
    results.append(gitignore_change(ctx, root, git, sorted(handled), found))
    results += example_changes(ctx, handled, found)
    return split(results)


def env_files(ctx: PlanContext) -> dict[str, Found]:
    """Each .env file (not a template) with the findings it holds."""
    out: dict[str, Found] = {}
    for ps in ctx.secrets:
        for loc in live_locations(ps):
            path = str(loc.get("path", ""))
            if loc.get("storage") == Storage.DOTENV.value and is_env_file(path):
                out.setdefault(path, []).append((ps, loc))
    return out


def is_env_file(path: str) -> bool:
    return is_dotenv_path(path) and PurePosixPath(path.lower()).suffix not in TEMPLATE_SUFFIXES


def untrack(path: str, text: str, found: Found) -> FileChange:
    fps = fingerprints(found)
    in_order = sorted(found, key=lambda f: (int(f[1].get("line", 0)), int(f[1].get("column", 0))))
    names = ", ".join(dict.fromkeys(str(loc.get("locator") or ps.env_var) for ps, loc in in_order))
    description = (
        f"{path} leaves git's index (kept on disk, now ignored); its {len(fps)} secret value(s) ({names}) "
        "stay in the git history and must be rotated"
    )
    return FileChange(path, "dotenv-untrack", description, text_digest(text), fingerprints=fps, untrack=True)


# ---------------------------------------------------------------- .gitignore


def gitignore_change(
    ctx: PlanContext, root: Path, git: bool, paths: list[str], found: dict[str, Found]
) -> FileChange | ManualChange | None:
    fps = tuple(dict.fromkeys(fp for p in paths for fp in fingerprints(found[p])))
    exists = (root / GITIGNORE).exists()
    text = read_source(ctx, GITIGNORE) if exists else ""
    if text is None:
        return ManualChange(GITIGNORE, UNREADABLE, fps)
    lines = text.splitlines()
    missing = [p for p in paths if not ignored(root, git, p, lines)]
    if not missing:
        return None
    added = "".join(ignore_line(p) + "\n" for p in missing)
    description = f"{GITIGNORE}: ignore {', '.join(missing)} (env files holding secrets)"
    return appended(GITIGNORE, "gitignore", description, text if exists else None, added, fps)


def appended(path: str, kind: str, description: str, text: str | None, added: str, fps: tuple[str, ...]) -> FileChange:
    """Lines added at the end of ``path`` (``text`` None: the file is created with them)."""
    if text is None:
        return FileChange(path, kind, description, None, (Edit(0, 0, added),), fingerprints=fps)
    sep = "\n" if text and not text.endswith("\n") else ""
    return FileChange(
        path, kind, description, text_digest(text), (Edit(len(text), len(text), sep + added),), fingerprints=fps
    )


def ignore_line(path: str) -> str:
    """An anchored pattern matching exactly ``path`` (glob characters escaped)."""
    escaped = "".join("\\" + c if c in _GLOB_CHARS else c for c in path)
    if escaped.endswith(" "):
        escaped = escaped[:-1] + "\\ "
    return "/" + escaped


def ignored(root: Path, git: bool, path: str, lines: list[str]) -> bool:
    """Whether an existing pattern already ignores ``path``: git's own answer in a git tree, else
    an exact line (the anchored path, the path, or its bare name)."""
    if git:
        return run_git(root, "check-ignore", "--no-index", "-q", "--", path) == 0
    wanted = {ignore_line(path), "/" + path, path, PurePosixPath(path).name}  # a bare name matches at any depth
    return any(line.strip() in wanted for line in lines)


# ---------------------------------------------------------------- example files


def example_path(path: str) -> str:
    p = PurePosixPath(path)
    name = ".env.example" if p.name == ".env" or p.name.startswith(".env.") else p.name + ".example"
    return str(p.with_name(name))


def variable_names(text: str) -> list[str]:
    """The names an env file sets, in order, once each (SOPS metadata left out)."""
    return list(dict.fromkeys(e.key for e in entries(text) if not e.key.lower().startswith("sops_")))


def example_changes(
    ctx: PlanContext, handled: dict[str, str], found: dict[str, Found]
) -> list[FileChange | ManualChange | None]:
    groups: dict[str, list[str]] = {}
    for path in sorted(handled):
        groups.setdefault(example_path(path), []).append(path)
    return [example_change(ctx, example, paths, handled, found) for example, paths in sorted(groups.items())]


def example_change(
    ctx: PlanContext, example: str, paths: list[str], handled: dict[str, str], found: dict[str, Found]
) -> FileChange | ManualChange | None:
    fps = tuple(dict.fromkeys(fp for p in paths for fp in fingerprints(found[p])))
    names = list(dict.fromkeys(n for p in paths for n in variable_names(handled[p])))
    root = source_root(ctx)
    exists = root is not None and (root / example).exists()
    text = read_source(ctx, example) if exists else ""
    if text is None:
        return ManualChange(example, UNREADABLE, fps)
    listed = set(variable_names(text))
    missing = [n for n in names if n not in listed]
    if not missing:
        return None
    added = "".join(f"{n}=\n" for n in missing)
    description = f"{example}: the variable names of {', '.join(paths)} with no value ({', '.join(missing)})"
    return appended(example, "env-example", description, text if exists else None, added, fps)


# ---------------------------------------------------------------- git


def run_git(root: Path, *args: str) -> int:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return -1
    return done.returncode


def is_git_tree(root: Path) -> bool:
    return run_git(root, "rev-parse", "--is-inside-work-tree") == 0


def is_tracked(root: Path, path: str) -> bool:
    return run_git(root, "ls-files", "--error-unmatch", "--", path) == 0
