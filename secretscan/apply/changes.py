"""Every file change of a plan, from each kind of file's fixer, checked to touch each file once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from secretscan.apply.model import FileChange, ManualChange
from secretscan.errors import InternalError
from secretscan.remediation.model import PlanContext

Fixer = Callable[[PlanContext], tuple[list[FileChange], list[ManualChange]]]


@dataclass(frozen=True, slots=True)
class ChangeSet:
    changes: tuple[FileChange, ...]
    manual: tuple[ManualChange, ...]


def fixers() -> dict[str, Fixer]:
    from secretscan.apply import dockerfile_fix, dotenv_fix, k8s_fix, spring_fix

    return {
        "kubernetes": k8s_fix.changes,
        "dockerfile": dockerfile_fix.changes,
        "spring": spring_fix.changes,
        "dotenv": dotenv_fix.changes,
    }


def plan_changes(ctx: PlanContext, which: dict[str, Fixer] | None = None) -> ChangeSet:
    changes: list[FileChange] = []
    manual: list[ManualChange] = []
    for fixer in (which or fixers()).values():
        c, m = fixer(ctx)
        changes += c
        manual += m
    seen: set[str] = set()
    for c in changes:
        if c.path in seen:
            raise InternalError(f"two fixers change {c.path}")
        seen.add(c.path)
    manual_paths = {m.path for m in manual}
    # a file with any value left to a person is not half-fixed: none of its changes are made
    kept = [c for c in changes if c.path not in manual_paths]
    if which is None:
        from secretscan.apply.eso_fix import companions

        for extra in companions(ctx, [c for c in kept if c.kind.startswith("k8s-")]):
            if extra.path in seen:
                manual.append(
                    ManualChange(
                        extra.path,
                        "holds values and is the file the ExternalSecrets would be written to: write them by hand",
                        extra.fingerprints,
                    )
                )
            else:
                kept.append(extra)
    kept.sort(key=lambda c: c.path)
    return ChangeSet(tuple(kept), tuple(sorted(manual, key=lambda m: (m.path, m.reason))))
