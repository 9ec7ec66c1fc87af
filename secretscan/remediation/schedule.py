"""Rotation schedule: per secret type, the interval, the method and how long before the due date
the owner is told."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from secretscan.remediation.model import Backend, PlannedSecret, PlanOptions, RotationMode


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    type: str
    count: int
    interval_days: int  # the shortest interval among the type's secrets
    method: str
    notification_lead_days: int  # 0: nothing to announce (credentials are issued per lease)


def lead_days(interval_days: int, mode: RotationMode) -> int:
    """Notice to the owner before a rotation is due: long enough to plan a roll, no longer."""
    if mode is RotationMode.DYNAMIC:
        return 0
    if interval_days >= 365:
        return 30
    if interval_days >= 90:
        return 14
    if interval_days >= 30:
        return 7
    return 1


def method(mode: RotationMode, engine: str | None, options: PlanOptions) -> str:
    if mode is RotationMode.DYNAMIC:
        where = "database secrets engine" if engine not in ("aws", "gcp", "azure") else f"{engine} secrets engine"
        return f"dynamic: Vault's {where} issues a credential per lease (TTL 1h, max 24h) and revokes it at expiry"
    if mode is RotationMode.MANUAL:
        return "manual: the owner follows the runbook when due"
    scheduled = {
        Backend.VAULT: "scheduled: a rotation job (or Vault's static database role) writes a new version, consumers re-read it",
        Backend.AWS: "scheduled: Secrets Manager rotation (rotation Lambda) on the interval",
        Backend.AZURE: "scheduled: Key Vault rotation policy / expiry notification (Event Grid) triggers the rotation job",
        Backend.GCP: "scheduled: Secret Manager rotation schedule (Pub/Sub notification) triggers the rotation job",
    }
    return scheduled[options.backend]


def rows(secrets: Sequence[PlannedSecret], options: PlanOptions) -> tuple[ScheduleRow, ...]:
    out = []
    for kind in sorted({s.type for s in secrets}):
        members = [s for s in secrets if s.type == kind]
        fixed = [s for s in members if s.rotation is not RotationMode.DYNAMIC]
        mode = fixed[0].rotation if fixed else RotationMode.DYNAMIC
        text = method(mode, members[0].engine, options)
        if fixed and len(fixed) < len(members):
            text += f"; {len(members) - len(fixed)} of the {len(members)} are dynamic instead"
        interval = min(s.rotation_days for s in (fixed or members))
        out.append(ScheduleRow(kind, len(members), interval, text, lead_days(interval, mode)))
    return tuple(out)
