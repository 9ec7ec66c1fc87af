"""Dockerfiles in the working tree rewritten as the plan's ``docker/<path>`` artefact shows:
``ENV``/``ARG``/``LABEL`` secrets leave the file and the RUNs reading them get BuildKit secret
mounts, credentials in RUN/HEALTHCHECK become ``${VAR}``, copied credential files are mounted
(remediation/dockerfile.py decides each; this module only turns its span edits into Edits). The
rest of the file keeps its bytes. A Dockerfile the plan leaves to a person is a ManualChange."""

from __future__ import annotations

from secretscan.apply.fix_support import UNREADABLE, Found, changed, fingerprints, mask_at, split
from secretscan.apply.model import Edit, FileChange, ManualChange, Mask
from secretscan.remediation import dockerfile
from secretscan.remediation.artefact_names import env_name
from secretscan.remediation.artefact_places import line_starts, read_source, secret_span
from secretscan.remediation.model import PlanContext

KIND = "dockerfile-secret-mount"


def changes(ctx: PlanContext) -> tuple[list[FileChange], list[ManualChange]]:
    found = dockerfile.findings_by_file(ctx)
    return split(file_change(ctx, path, found[path]) for path in sorted(found))


def file_change(ctx: PlanContext, path: str, found: Found) -> FileChange | ManualChange | None:
    fps = fingerprints(found)
    text = read_source(ctx, path)
    if text is None:
        return ManualChange(path, UNREADABLE, fps)
    plan, ins = dockerfile.plan_file(path, text, found)
    if plan.manual:
        return ManualChange(path, "; ".join(dict.fromkeys(plan.manual)), fps)
    edits = [Edit(a, b, new) for a, b, new in dockerfile.render_edits(text, ins, plan)]
    return changed(path, KIND, describe(path, plan), text, edits, masks(text, found), fps)


def masks(text: str, found: Found) -> list[Mask]:
    """Each value's span; a copied credential file has none here (its content is elsewhere)."""
    starts = line_starts(text)
    out = []
    for ps, loc in found:
        if loc.get("storage") == "dockerfile-copy" and "<<" not in str(loc.get("locator", "")):
            continue
        m = mask_at(text, starts, loc, ps.preview, secret_span(text, starts, loc, ps.preview))
        if m is not None:
            out.append(m)
    return out


def describe(path: str, plan: dockerfile.DockerPlan) -> str:
    parts = []
    mounts = sorted({m.flag().removeprefix("--mount=") for ms in plan.mounts.values() for m in ms})
    if mounts:
        parts.append("BuildKit secret mounts " + ", ".join(mounts))
    if plan.runtime:
        parts.append("injected at run time: " + ", ".join(sorted(env_name(v) for v in plan.runtime)))
    how = "; ".join(parts) or "the values leave the file"
    return f"{path}: {len(set(plan.fingerprints))} secret(s) out of the Dockerfile ({how}); build with docker/{path}.build.sh of the plan"
