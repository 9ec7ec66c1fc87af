"""History purge: the `git filter-repo` run that removes the planned secrets from every commit,
without the plan ever holding a value.

Two routes need no plaintext and are the default:
- paths: files that hold nothing but secrets (.env, private keys, credential files) are removed
  from every commit (`--invert-paths --paths-from-file`);
- blobs: every other file version that held a secret is removed by its blob id, which the
  inventory records for each location (`--strip-blobs-with-ids`). Those versions disappear from
  the old commits; the fixed version committed by the migration stays.
A third route keeps old file versions and replaces the values in them (`--replace-text`); its
expressions file needs the values, so the plan holds only a template and a helper that fills it
on the operator's machine from a local `secretscan scan --history --show-secrets`.

Purging does not un-leak: anyone who cloned, forked or cached the repository keeps the values.
Rotation comes first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from secretscan.remediation.model import Artefact, PlanContext, PlannedSecret

# Files that hold only credentials: removing them whole loses nothing else.
_SECRET_FILE_NAMES = frozenset(
    {
        ".npmrc",
        ".pypirc",
        ".netrc",
        "_netrc",
        ".git-credentials",
        ".pgpass",
        ".dockercfg",
        "kubeconfig",
        ".htpasswd",
        "credentials",
    }
)
_SECRET_FILE_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".p8", ".asc", ".gpg")
_ENV_TEMPLATES = (".example", ".sample", ".template", ".dist", ".defaults")
_SSH_KEYS = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519")


def generate(ctx: PlanContext) -> list[Artefact]:
    if not ctx.secrets:
        return []
    paths = whole_file_paths(ctx.secrets)
    blobs = blob_ids(ctx.secrets, paths)
    fps = tuple(s.fingerprint for s in ctx.secrets)
    history = bool(ctx.inventory.get("history", False))
    return [
        Artefact(
            "purge/README.md",
            readme(ctx.secrets, paths, blobs, history),
            "purge-guide",
            "how to purge the secrets from git history, and what it cannot do",
            fps,
        ),
        Artefact(
            "purge/paths.txt",
            "".join(f"{p}\n" for p in paths),
            "purge-paths",
            "files removed from every commit (they hold only secrets)",
            fps,
        ),
        Artefact(
            "purge/blob-ids.txt",
            "".join(f"{b}\n" for b in blobs),
            "purge-blob-ids",
            "file versions removed by blob id",
            fps,
        ),
        Artefact(
            "purge/fingerprints.txt",
            "".join(f"{f}\n" for f in fps),
            "purge-fingerprints",
            "the secrets a purge must leave no trace of",
        ),
        Artefact(
            "purge/purge-history.sh",
            SCRIPT,
            "purge-script",
            "mirror-clones, purges, verifies with a history scan, prints the push commands",
            fps,
        ),
        Artefact(
            "purge/replacements.template",
            replacements_template(ctx.secrets),
            "purge-replace-template",
            "the --replace-text route, without values",
            fps,
        ),
        Artefact(
            "purge/fill-replacements.py",
            FILL,
            "purge-fill-script",
            "fills the --replace-text file locally from a --show-secrets scan",
            fps,
        ),
    ]


def is_secret_file(path: str) -> bool:
    """A file whose whole content is a credential (by its name)."""
    name = PurePosixPath(path).name.lower()
    if name == ".env" or (name.startswith(".env.") and not name.endswith(_ENV_TEMPLATES)):
        return True
    if name in _SECRET_FILE_NAMES or name.endswith(_SECRET_FILE_SUFFIXES):
        return True
    if (name.startswith(_SSH_KEYS) or (name.startswith("id_") and "." not in name)) and not name.endswith(".pub"):
        return True
    return path.lower().endswith(".docker/config.json")


def whole_file_paths(secrets: Iterable[PlannedSecret]) -> tuple[str, ...]:
    return tuple(
        sorted({str(loc["path"]) for s in secrets for loc in s.locations if is_secret_file(str(loc.get("path", "")))})
    )


def blob_ids(secrets: Iterable[PlannedSecret], removed_paths: Sequence[str]) -> tuple[str, ...]:
    gone = set(removed_paths)
    return tuple(sorted({str(loc["blob_id"]) for s in secrets for loc in s.locations if _blob_location(loc, gone)}))


def _blob_location(loc: Mapping[str, Any], gone: set[str]) -> bool:
    return bool(loc.get("blob_id")) and str(loc.get("path")) not in gone


def purge_commands() -> tuple[str, ...]:
    """The purge, from the plan folder (SOURCE: the repository's URL or path)."""
    return ('purge/purge-history.sh "$SOURCE" "$PURGE_WORKDIR"',)


def push_commands() -> tuple[str, ...]:
    return (
        'git -C "$PURGE_WORKDIR/mirror.git" push --force --all "$SOURCE"',
        'git -C "$PURGE_WORKDIR/mirror.git" push --force --tags "$SOURCE"',
    )


def readme(secrets: Sequence[PlannedSecret], paths: Sequence[str], blobs: Sequence[str], history: bool) -> str:
    coverage = (
        "The inventory came from a full-history scan: the blob ids below cover every version that held a secret."
        if history
        else "The inventory came from the working tree only: older versions of these files are not in blob-ids.txt. "
        "purge-history.sh therefore re-scans the mirror's history with secretscan (when installed) and adds every blob "
        "holding one of the fingerprints; better, plan from a history scan (`secretscan plan --history`)."
    )
    return "\n".join(
        [
            "# Purging the secrets from git history",
            "",
            "> **Rotate first.** Purging does not un-leak: every clone, fork, CI cache, mirror and the hosting provider's "
            "cached views keep the old values. Do this only after every secret below is rotated and the old values are dead.",
            "",
            f"{len(secrets)} secret(s); {len(paths)} file(s) removed whole; {len(blobs)} file version(s) removed by blob id.",
            "",
            coverage,
            "",
            "## 1. Prepare",
            "",
            "- Merge or close open pull requests (they are rewritten away), announce a push freeze, and lift branch protection "
            "on the branches for the force-push.",
            "- Commit the migration first: the tip must no longer hold any value. The script refuses to strip a blob the "
            "default branch still uses.",
            "- Add the removed files to `.gitignore` so they are not committed again.",
            "",
            "## 2. Purge (paths and blob ids: no plaintext needed)",
            "",
            "```sh",
            "export SOURCE=git@example.com:org/repo.git   # or a local path",
            "export PURGE_WORKDIR=$(mktemp -d)",
            *purge_commands(),
            "```",
            "",
            "The script mirror-clones SOURCE into $PURGE_WORKDIR/mirror.git, runs:",
            "",
            "```sh",
            "git filter-repo --invert-paths --paths-from-file purge/paths.txt --strip-blobs-with-ids purge/blob-ids.txt",
            "```",
            "",
            "then scans the rewritten history with `secretscan scan --history` and fails if any fingerprint of "
            "purge/fingerprints.txt is still there.",
            "",
            "## 3. Push and re-clone",
            "",
            "```sh",
            *push_commands(),
            "```",
            "",
            "- GitHub keeps pull-request refs and cached views: ask GitHub Support to remove them and to run garbage collection. "
            "GitLab: Settings > Repository > Repository maintenance > Remove blobs (the ids in blob-ids.txt), then housekeeping.",
            "- Everyone deletes their clone and clones again. Never merge or push from an old clone: it brings the secrets back.",
            "- Delete forks, mirrors and CI caches that hold the old history; restore branch protection.",
            "",
            "## Alternative: keep old file versions, replace the values (`--replace-text`)",
            "",
            "This route needs the values, which this plan never holds. Fill the expressions file on your machine, outside "
            "any repository, and shred it after:",
            "",
            "```sh",
            "umask 077",
            'secretscan scan --history --show-secrets -f json --fail-on none "$PURGE_WORKDIR/mirror.git" \\',
            '  | python3 purge/fill-replacements.py purge/fingerprints.txt > "$HOME/replacements.txt"',
            'git -C "$PURGE_WORKDIR/mirror.git" filter-repo --replace-text "$HOME/replacements.txt"',
            'shred -u "$HOME/replacements.txt"',
            "```",
            "",
            "purge/replacements.template lists what the filled file covers. Multi-line values (keys, certificates) cannot be "
            "replaced line by line: they go by path or blob id.",
            "",
        ]
    )


def replacements_template(secrets: Sequence[PlannedSecret]) -> str:
    lines = [
        "# secretscan plan: what the --replace-text expressions file covers (filled locally by",
        "# fill-replacements.py; this template holds no value). One expression per secret:",
        "#   literal:<value>==>***REMOVED-<fingerprint prefix>***",
    ]
    for s in secrets:
        where = ", ".join(dict.fromkeys(str(loc.get("path")) for loc in s.locations))
        lines.append(f"# {s.fingerprint}  {s.rule_id}  preview {s.preview}  in {where}")
    return "\n".join(lines) + "\n"


SCRIPT = r"""#!/usr/bin/env bash
# secretscan plan: remove the planned secrets from every commit of a repository.
# ROTATE FIRST: purging does not un-leak a value anyone already copied.
#
#   purge/purge-history.sh SOURCE [WORKDIR]
#
# SOURCE is the repository's URL or path. The purge runs on a fresh mirror clone in
# WORKDIR/mirror.git (default: a new temporary folder); SOURCE is not touched: the script ends by
# printing the force-push commands. Needs git-filter-repo; secretscan, when on PATH, re-scans.
set -euo pipefail
if [ "$#" -lt 1 ]; then
    echo "usage: $0 SOURCE [WORKDIR]" >&2
    exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
source_repo="$1"
workdir="${2:-$(mktemp -d)}"
mirror="$workdir/mirror.git"
command -v git-filter-repo >/dev/null || { echo "git-filter-repo is not installed (pip install git-filter-repo)" >&2; exit 2; }

git clone --quiet --mirror -- "$source_repo" "$mirror"
ids="$workdir/blob-ids.txt"
grep -E '^[0-9a-f]{40}$' "$here/blob-ids.txt" > "$ids" || true

# A working-tree inventory lists only the versions it saw: add every version in history that
# holds one of the planned secrets (by fingerprint, no value involved).
if command -v secretscan >/dev/null && [ "${PURGE_RESCAN:-1}" != 0 ]; then
    secretscan scan --history -q -f json --fail-on none -o "$workdir/before.json" "$mirror"
    python3 - "$workdir/before.json" "$here/fingerprints.txt" "$here/paths.txt" >> "$ids" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
wanted = set(open(sys.argv[2]).read().split())
whole_files = set(open(sys.argv[3]).read().splitlines())  # removed by path anyway
for f in doc["findings"]:
    if f["fingerprint"] in wanted:
        for loc in f["locations"]:
            if loc["path"] not in whole_files:
                print(loc["blob_id"])
PY
    sort -u -o "$ids" "$ids"
fi

# Never strip a version the default branch still uses: commit the migration first.
in_tip=$(git -C "$mirror" ls-tree -r HEAD | awk '{print $3}' | grep -Fx -f "$ids" || true)
if [ -n "$in_tip" ]; then
    echo "the default branch still holds these secret-bearing files; remove the values and commit first:" >&2
    git -C "$mirror" ls-tree -r HEAD | grep -F -f <(printf '%s\n' $in_tip) | cut -f2 >&2
    exit 1
fi

args=()
if grep -q . "$here/paths.txt"; then
    args+=(--invert-paths --paths-from-file "$here/paths.txt")
fi
if [ -s "$ids" ]; then
    args+=(--strip-blobs-with-ids "$ids")
fi
if [ "${#args[@]}" -eq 0 ]; then
    echo "nothing to purge" >&2
    exit 0
fi
git -C "$mirror" filter-repo --quiet "${args[@]}"

# Verify: a history scan of the rewritten mirror finds none of the planned fingerprints.
if command -v secretscan >/dev/null; then
    secretscan scan --history -q -f json --fail-on none -o "$workdir/after.json" "$mirror"
    python3 - "$workdir/after.json" "$here/fingerprints.txt" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
wanted = set(open(sys.argv[2]).read().split())
left = sorted({(f["fingerprint"], loc["path"]) for f in doc["findings"] if f["fingerprint"] in wanted for loc in f["locations"]})
for fp, path in left:
    print(f"still in history: {fp[:12]} in {path}", file=sys.stderr)
sys.exit(1 if left else 0)
PY
fi

echo "purged: $mirror"
echo "review it, then push (branch protection lifted):"
echo "  git -C '$mirror' push --force --all '$source_repo'"
echo "  git -C '$mirror' push --force --tags '$source_repo'"
"""

FILL = r'''"""Fill a `git filter-repo --replace-text` expressions file from a secretscan JSON report made
with --show-secrets, for the fingerprints listed in a file. Run it on your machine only, write
its output outside any repository (umask 077), and shred the file after the purge:

    secretscan scan --history --show-secrets -f json --fail-on none REPO \
      | python3 purge/fill-replacements.py purge/fingerprints.txt > "$HOME/replacements.txt"
"""

import json
import sys


def main() -> int:
    wanted = set(open(sys.argv[1]).read().split())
    report = json.load(sys.stdin)
    found = set()
    for finding in report["findings"]:
        fp, value = finding["fingerprint"], finding.get("secret")
        if fp not in wanted:
            continue
        if value is None:
            print("the report has no values: scan with --show-secrets", file=sys.stderr)
            return 2
        if "\n" in value or "==>" in value:
            print(f"{fp[:12]}: multi-line value, cannot be a replace-text line: purge it by path or blob id", file=sys.stderr)
            continue
        found.add(fp)
        sys.stdout.write(f"literal:{value}==>***REMOVED-{fp[:8]}***\n")
    for fp in sorted(wanted - found):
        print(f"{fp[:12]}: not in the report", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''
