"""The plan's ``fix/changes.json``: every file change with its edits (references only), the
previews that mask values in diffs, and the digest of each file as scanned. ``secretscan fix
--plan DIR`` applies it later; a file whose digest moved since is left untouched."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from secretscan.apply.changes import ChangeSet
from secretscan.apply.model import Edit, FileChange, ManualChange, Mask
from secretscan.errors import InputError

KIND = "secretscan-fix-changes"
VERSION = 1
PATH = "fix/changes.json"


def to_json(cs: ChangeSet) -> str:
    doc = {
        "kind": KIND,
        "version": VERSION,
        "changes": [
            {
                "path": c.path,
                "kind": c.kind,
                "description": c.description,
                "before_sha256": c.before_sha256,
                "edits": [[e.start, e.end, e.replacement] for e in c.edits],
                "masks": [[m.start, m.end, m.preview] for m in c.masks],
                "fingerprints": list(c.fingerprints),
                "delete": c.delete,
                "untrack": c.untrack,
            }
            for c in cs.changes
        ],
        "manual": [{"path": m.path, "reason": m.reason, "fingerprints": list(m.fingerprints)} for m in cs.manual],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def from_json(text: str, where: str) -> ChangeSet:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where} is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("kind") != KIND or doc.get("version") != VERSION:
        raise InputError(f"{where} is not a secretscan fix file ({KIND}, version {VERSION})")
    try:
        changes = tuple(_change(c) for c in doc["changes"])
        manual = tuple(
            ManualChange(str(m["path"]), str(m["reason"]), tuple(m.get("fingerprints", ()))) for m in doc["manual"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: malformed change ({type(exc).__name__}: {exc})") from None
    return ChangeSet(changes, manual)


def _change(c: Mapping[str, Any]) -> FileChange:
    before = c["before_sha256"]
    if before is not None and not (isinstance(before, str) and len(before) == 64):
        raise ValueError("before_sha256 must be a SHA-256 hex digest or null")
    return FileChange(
        path=str(c["path"]),
        kind=str(c["kind"]),
        description=str(c.get("description", "")),
        before_sha256=before,
        edits=tuple(Edit(int(s), int(e), str(r)) for s, e, r in c.get("edits", ())),
        masks=tuple(Mask(int(s), int(e), str(p)) for s, e, p in c.get("masks", ())),
        fingerprints=tuple(str(f) for f in c.get("fingerprints", ())),
        delete=bool(c.get("delete", False)),
        untrack=bool(c.get("untrack", False)),
    )
