"""What the text fixers (Dockerfile, Spring, .env) share: the masks that hide each value's span
in a diff, and the checks that turn a file's edits into a FileChange only when every value is
inside a replaced span (otherwise the file is left to a person). No value is read into a record:
a mask holds offsets and the inventory's redacted preview."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from secretscan.apply.model import Edit, FileChange, ManualChange, Mask, apply, sha256_bytes
from secretscan.remediation.artefact_places import line_starts, offset_of, read_source
from secretscan.remediation.model import PlanContext, PlannedSecret

Found = list[tuple[PlannedSecret, Mapping[str, Any]]]
UNREADABLE = "not readable as UTF-8 text (missing, binary or too large): edit it by hand"


def fingerprints(found: Found) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ps.fingerprint for ps, _ in found))


def text_digest(text: str) -> str:
    """SHA-256 of the file's bytes (the text was decoded losslessly from UTF-8)."""
    return sha256_bytes(text.encode("utf-8"))


def mask_at(
    text: str, starts: list[int], loc: Mapping[str, Any], preview: str, span: tuple[int, int] | None
) -> Mask | None:
    """The value's exact span when known; else from its first character to the end of its last
    line (clipped to the edit that removes it by ``changed``)."""
    if span is not None:
        return Mask(span[0], span[1], preview)
    line = int(loc.get("line", 0))
    start = offset_of(text, starts, line, int(loc.get("column", 0)))
    if start is None:
        return None
    last = max(int(loc.get("end_line", line) or line), line)
    end = starts[last] - 1 if last < len(starts) else len(text)
    return Mask(start, end, preview) if end > start else None


SpanOf = Callable[[str, list[int], Mapping[str, Any], str], "tuple[int, int] | None"]


def masks_of(text: str, found: Found, span_of: SpanOf, keep: Callable[[Mapping[str, Any]], bool] | None = None) -> list[Mask]:
    """A mask for each found value (``keep`` chooses which locations have one in this file):
    the exact span ``span_of(text, starts, location, preview)`` gives, else ``mask_at``'s guess."""
    starts = line_starts(text)
    out = []
    for ps, loc in found:
        if keep is None or keep(loc):
            m = mask_at(text, starts, loc, ps.preview, span_of(text, starts, loc, ps.preview))
            if m is not None:
                out.append(m)
    return out


@dataclass(frozen=True)
class Rewrite:
    """How a text fixer would rewrite one file: ``manual`` reasons (left to a person), or span
    edits ``(start, end, new text)`` with a description and the masks of the values they remove."""

    manual: Sequence[str]
    edits: Iterable[tuple[int, int, str]] = ()
    description: str = ""
    masks: Sequence[Mask] = ()


def text_file_change(
    ctx: PlanContext, path: str, found: Found, kind: str, rewrite: Callable[[str], Rewrite]
) -> FileChange | ManualChange | None:
    """The change a text fixer makes to ``path`` (read from the scanned tree), or why it is manual."""
    fps = fingerprints(found)
    text = read_source(ctx, path)
    if text is None:
        return ManualChange(path, UNREADABLE, fps)
    plan = rewrite(text)
    if plan.manual:
        return ManualChange(path, "; ".join(dict.fromkeys(plan.manual)), fps)
    edits = [Edit(a, b, new) for a, b, new in plan.edits]
    return changed(path, kind, plan.description, text, edits, plan.masks, fps)


def merged_masks(masks: Iterable[Mask]) -> tuple[Mask, ...]:
    """Sorted, with overlapping masks joined (the first one's preview names the joined span)."""
    out: list[Mask] = []
    for m in sorted(set(masks), key=lambda m: (m.start, -m.end)):
        if out and m.start < out[-1].end:
            last = out[-1]
            out[-1] = Mask(last.start, max(last.end, m.end), last.preview)
        else:
            out.append(m)
    return tuple(out)


def clipped(masks: Iterable[Mask], edits: Iterable[Edit]) -> list[Mask]:
    """Masks ending past the replaced span that holds their start end with it (a value whose
    exact end is unknown); masks outside every replaced span are kept as they are."""
    spans = [(e.start, e.end) for e in edits if e.end > e.start]
    out = []
    for m in masks:
        around = next(((a, b) for a, b in spans if a <= m.start < b), None)
        out.append(Mask(m.start, min(m.end, around[1]), m.preview) if around else m)
    return out


def uncovered(masks: Iterable[Mask], edits: Iterable[Edit]) -> list[Mask]:
    """Masks not inside a replaced span: values the edits would leave in the file."""
    spans = [(e.start, e.end) for e in edits if e.end > e.start]
    return [m for m in masks if not any(a <= m.start and m.end <= b for a, b in spans)]


def changed(
    path: str,
    kind: str,
    description: str,
    text: str,
    edits: Iterable[Edit],
    masks: Iterable[Mask],
    fps: tuple[str, ...],
) -> FileChange | ManualChange | None:
    """The file's change (None: nothing to change), or a ManualChange when the edits overlap or
    would leave a value in place."""
    edits = tuple(sorted(set(edits), key=lambda e: (e.start, e.end)))
    try:
        after = apply(text, edits)
    except ValueError:
        return ManualChange(path, "the computed edits overlap: edit it by hand", fps)
    masks = merged_masks(clipped(masks, edits))
    left = uncovered(masks, edits)
    if left:
        return ManualChange(path, f"{len(left)} value(s) would stay in the file after the edit: edit it by hand", fps)
    if after == text:
        return None
    return FileChange(path, kind, description, text_digest(text), edits, masks, fps)


def split(results: Iterable[FileChange | ManualChange | None]) -> tuple[list[FileChange], list[ManualChange]]:
    changes: list[FileChange] = []
    manual: list[ManualChange] = []
    for r in results:
        if isinstance(r, FileChange):
            changes.append(r)
        elif isinstance(r, ManualChange):
            manual.append(r)
    return changes, manual
