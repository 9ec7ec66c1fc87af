"""Records of the file changes ``secretscan fix`` makes. None of them holds a secret value:
an edit's replacement is a reference (``${DB_PASSWORD}``, a ``secretKeyRef``, an ExternalSecret),
and a mask names the span of a value in the old text so that a diff can show its preview.

Offsets are character offsets into the file's text decoded as UTF-8 (a file that is not valid
UTF-8 is left to a person). ``before_sha256`` and ``after_sha256`` are SHA-256 digests of the
file's bytes: a file whose digest is neither is changed since the scan and is not touched; one
whose digest is ``after_sha256`` already holds the change (a second run changes nothing).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement`` (which never holds a secret value)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Mask:
    """A value's span in the OLD text, shown as ``preview`` in diffs."""

    start: int
    end: int
    preview: str


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file to edit, create or delete, relative to the scanned root (POSIX separators).

    * edit: ``before_sha256`` set, ``edits`` non-empty, ``delete`` False;
    * create: ``before_sha256`` None, one edit (0, 0, content);
    * delete: ``delete`` True (the whole file goes, e.g. a manifest holding only Secrets);
    * untrack: ``untrack`` True and no edits: the file stays on disk but leaves git's index
      (``git rm --cached``), e.g. a ``.env`` file now listed in ``.gitignore``.
    """

    path: str
    kind: str  # k8s-env-ref | k8s-external-secret | spring-placeholder | dockerfile-secret-mount | dotenv-untrack | gitignore | env-example
    description: str
    before_sha256: str | None
    edits: tuple[Edit, ...] = ()
    masks: tuple[Mask, ...] = ()
    fingerprints: tuple[str, ...] = ()
    delete: bool = False
    untrack: bool = False

    def after_text(self, before: str) -> str | None:
        """The new text (None when the file is deleted)."""
        if self.delete:
            return None
        return apply(before, self.edits)

    def after_sha256(self, before: str) -> str | None:
        after = self.after_text(before)
        return None if after is None else sha256_bytes(after.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class ManualChange:
    """A value the fixer cannot take out safely: listed for a person, the file is not touched."""

    path: str
    reason: str
    fingerprints: tuple[str, ...] = ()


def apply(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """Edits applied from the end (non-overlapping; checked)."""
    out = text
    last = len(text) + 1
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if e.end > last or e.start > e.end or e.start < 0 or e.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit {e.start}:{e.end}")
        out = out[: e.start] + e.replacement + out[e.end :]
        last = e.start
    return out


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
