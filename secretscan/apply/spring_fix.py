"""Spring configuration files (``application*.yml``/``.yaml``/``.properties``, ``bootstrap*``) in
the working tree: each secret value becomes the ``${ENV}`` placeholder the plan chose
(``spring.rewrite_file``: only the value's characters change, a ``${NAME:default}`` loses its
default). A file the plan cannot rewrite exactly is a ManualChange."""

from __future__ import annotations

from secretscan.apply.fix_support import UNREADABLE, Found, changed, fingerprints, mask_at, split
from secretscan.apply.model import Edit, FileChange, ManualChange, Mask
from secretscan.remediation import spring
from secretscan.remediation.artefact_places import line_starts, read_source
from secretscan.remediation.model import PlanContext

KIND = "spring-placeholder"


def changes(ctx: PlanContext) -> tuple[list[FileChange], list[ManualChange]]:
    found = spring.findings_by_file(ctx)
    return split(file_change(ctx, path, found[path]) for path in sorted(found))


def file_change(ctx: PlanContext, path: str, found: Found) -> FileChange | ManualChange | None:
    fps = fingerprints(found)
    text = read_source(ctx, path)
    if text is None:
        return ManualChange(path, UNREADABLE, fps)
    rewrite = spring.rewrite_file(ctx, path, found)
    if rewrite.manual:
        return ManualChange(path, "; ".join(dict.fromkeys(rewrite.manual)), fps)
    edits = [Edit(a, b, new) for a, b, new in rewrite.edits]
    names = ", ".join(f"${{{env}}}" for env in sorted(rewrite.envs))
    description = f"{path}: {len(fps)} secret(s) become placeholders ({names}), set from {ctx.options.backend.value}"
    return changed(path, KIND, description, text, edits, masks(text, found, path.endswith(".properties")), fps)


def masks(text: str, found: Found, properties: bool) -> list[Mask]:
    starts = line_starts(text)
    out = []
    for ps, loc in found:
        m = mask_at(text, starts, loc, ps.preview, spring.value_span(text, starts, loc, ps.preview, properties))
        if m is not None:
            out.append(m)
    return out
