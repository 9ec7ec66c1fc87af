"""Dockerfiles in the working tree rewritten as the plan's ``docker/<path>`` artefact shows:
``ENV``/``ARG``/``LABEL`` secrets leave the file and the RUNs reading them get BuildKit secret
mounts, credentials in RUN/HEALTHCHECK become ``${VAR}``, copied credential files are mounted
(remediation/dockerfile.py decides each; this module only turns its span edits into Edits). The
rest of the file keeps its bytes. A Dockerfile the plan leaves to a person is a ManualChange."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from secretscan.apply.fix_support import Found, Rewrite, masks_of, split, text_file_change
from secretscan.apply.model import FileChange, ManualChange, Mask
from secretscan.remediation import dockerfile
from secretscan.remediation.artefact_names import env_name
from secretscan.remediation.artefact_places import secret_span
from secretscan.remediation.model import PlanContext

KIND = "dockerfile-secret-mount"


def changes(ctx: PlanContext) -> tuple[list[FileChange], list[ManualChange]]:
    found = dockerfile.findings_by_file(ctx)
    return split(file_change(ctx, path, found[path]) for path in sorted(found))


def file_change(ctx: PlanContext, path: str, found: Found) -> FileChange | ManualChange | None:
    def rewrite(text: str) -> Rewrite:
        plan, ins = dockerfile.plan_file(path, text, found)
        if plan.manual:
            return Rewrite(plan.manual)
        return Rewrite((), dockerfile.render_edits(text, ins, plan), describe(path, plan), masks(text, found))

    return text_file_change(ctx, path, found, KIND, rewrite)


def masks(text: str, found: Found) -> list[Mask]:
    """Each value's span; a copied credential file has none here (its content is elsewhere)."""
    return masks_of(text, found, secret_span, keep=_in_this_file)


def _in_this_file(loc: Mapping[str, Any]) -> bool:
    return loc.get("storage") != "dockerfile-copy" or "<<" in str(loc.get("locator", ""))


def describe(path: str, plan: dockerfile.DockerPlan) -> str:
    parts = []
    mounts = sorted({m.flag().removeprefix("--mount=") for ms in plan.mounts.values() for m in ms})
    if mounts:
        parts.append("BuildKit secret mounts " + ", ".join(mounts))
    if plan.runtime:
        parts.append("injected at run time: " + ", ".join(sorted(env_name(v) for v in plan.runtime)))
    how = "; ".join(parts) or "the values leave the file"
    return f"{path}: {len(set(plan.fingerprints))} secret(s) out of the Dockerfile ({how}); build with docker/{path}.build.sh of the plan"
