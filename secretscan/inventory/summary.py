"""The status block every inventory format shows: counts, compliance and top actions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from secretscan.inventory.records import ExposureState, Inventory, InventoryItem, RiskLevel, SecretType
from secretscan.model import Status, Storage


@dataclass(frozen=True, slots=True)
class Group:
    """One row of the `secret_inventory` list the remediation planner reads."""

    type: SecretType
    count: int
    current_storage: tuple[str, ...]
    risk_level: RiskLevel
    dynamic_eligible: bool


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    by_type: tuple[tuple[str, int], ...]
    by_risk: tuple[tuple[str, int], ...]
    in_tip: int
    history_only: int
    shared: int
    overdue: tuple[InventoryItem, ...]
    within_interval_share: float | None  # of secrets in the tip with a known age
    certificates: tuple[tuple[str, int], ...]
    actions: tuple[str, ...]
    groups: tuple[Group, ...]


def summarize(inv: Inventory) -> Summary:
    items = inv.items
    in_tip = [i for i in items if i.exposure.state is ExposureState.IN_TIP]
    judged = [i for i in in_tip if i.overdue is not None]
    overdue = tuple(i for i in judged if i.overdue)
    return Summary(
        total=len(items),
        by_type=tuple(sorted(Counter(i.type.value for i in items).items())),
        by_risk=tuple((lvl.label, sum(1 for i in items if i.risk.level is lvl)) for lvl in sorted(RiskLevel, reverse=True)),
        in_tip=len(in_tip),
        history_only=len(items) - len(in_tip),
        shared=sum(1 for i in items if i.shared),
        overdue=overdue,
        within_interval_share=(1 - len(overdue) / len(judged)) if judged else None,
        certificates=tuple(sorted(Counter(c.status for c in inv.certificates).items())),
        actions=top_actions(inv),
        groups=groups(items),
    )


def groups(items: tuple[InventoryItem, ...]) -> tuple[Group, ...]:
    out = []
    for kind in SecretType:
        members = [i for i in items if i.type is kind]
        if not members:
            continue
        storages = sorted({s.value for i in members for s in i.storages})
        out.append(Group(kind, len(members), tuple(storages), max(i.risk.level for i in members), members[0].dynamic_eligible))
    return tuple(sorted(out, key=lambda g: (-g.risk_level, g.type.value)))


def reaches(items: tuple[InventoryItem, ...], level: RiskLevel) -> bool:
    """Whether a secret the gate counts (not baselined, not allowed inline) is at ``level`` or above."""
    return any(i.risk.level >= level and i.status is Status.NEW for i in items)


def top_actions(inv: Inventory) -> tuple[str, ...]:
    items = inv.items
    actions = []
    urgent = [i for i in items if i.risk.level >= RiskLevel.HIGH and i.exposure.state is ExposureState.IN_TIP]
    if urgent:
        actions.append(f"Rotate {len(urgent)} high/critical secret(s) still in the tip, then move them to a secret manager")
    gone = [i for i in items if i.exposure.state is ExposureState.HISTORY_ONLY]
    if gone:
        actions.append(f"Rotate {len(gone)} secret(s) removed from the tip but still in history, then purge history")
    k8s = [i for i in items if Storage.KUBERNETES_SECRET in i.storages]
    if k8s:
        actions.append(f"Replace {len(k8s)} committed Kubernetes Secret value(s) with ExternalSecrets")
    image = [i for i in items if {Storage.DOCKERFILE_ENV, Storage.DOCKERFILE_ARG} & set(i.storages)]
    if image:
        actions.append(f"Rebuild images without the {len(image)} secret(s) baked in by Dockerfile ENV/ARG (use build secrets)")
    dynamic = [i for i in items if i.dynamic_eligible]
    if dynamic:
        actions.append(f"Switch {len(dynamic)} database/cloud credential(s) to dynamic credentials")
    shared = [i for i in items if i.shared]
    if shared:
        actions.append(f"Split {len(shared)} credential(s) shared between services")
    expired = [c for c in inv.certificates if c.status != "valid"]
    if expired:
        actions.append(f"Renew {len(expired)} expired or expiring certificate(s)")
    return tuple(actions)
