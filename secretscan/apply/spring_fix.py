"""Spring configuration files (``application*.yml``/``.yaml``/``.properties``, ``bootstrap*``) in
the working tree: each secret value becomes the ``${ENV}`` placeholder the plan chose
(``spring.rewrite_file``: only the value's characters change, a ``${NAME:default}`` loses its
default). A file the plan cannot rewrite exactly is a ManualChange."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from secretscan.apply.fix_support import Found, Rewrite, fingerprints, masks_of, split, text_file_change
from secretscan.apply.model import FileChange, ManualChange, Mask
from secretscan.remediation import spring
from secretscan.remediation.model import PlanContext

KIND = "spring-placeholder"


def changes(ctx: PlanContext) -> tuple[list[FileChange], list[ManualChange]]:
    found = spring.findings_by_file(ctx)
    return split(file_change(ctx, path, found[path]) for path in sorted(found))


def file_change(ctx: PlanContext, path: str, found: Found) -> FileChange | ManualChange | None:
    def rewrite(text: str) -> Rewrite:
        planned = spring.rewrite_text(ctx, path, text, found)
        if planned.manual:
            return Rewrite(planned.manual)
        names = ", ".join(f"${{{env}}}" for env in sorted(planned.envs))
        description = (
            f"{path}: {len(fingerprints(found))} secret(s) become placeholders ({names}), set from {ctx.options.backend.value}"
        )
        return Rewrite((), planned.edits, description, masks(text, found, path.endswith(".properties")))

    return text_file_change(ctx, path, found, KIND, rewrite)


def masks(text: str, found: Found, properties: bool) -> list[Mask]:
    def span(text: str, starts: list[int], loc: Mapping[str, Any], preview: str) -> tuple[int, int] | None:
        return spring.value_span(text, starts, loc, preview, properties)

    return masks_of(text, found, span)
