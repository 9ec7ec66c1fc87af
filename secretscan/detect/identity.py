"""Which rule id a secret's identity (fingerprint, baseline hash) is computed with.

A provider's token is identified by its rule and value. A value that no provider format names
(found by a generic assignment rule, or by structure alone: a Kubernetes Secret value, a Spring
password property, an env literal) is identified by its value only, so the same password in a
Secret, a Deployment and an `application.yml` is one secret with three locations, not three.
"""

from __future__ import annotations

from secretscan.detect.structural_rules import STRUCTURAL_RULES

VALUE_IDENTITY = "secretscan.value"
GENERIC_PREFIX = "secretscan.generic."
_STRUCTURAL_IDS = frozenset(r.id for r in STRUCTURAL_RULES)


def identity_key(rule_id: str) -> str:
    if rule_id.startswith(GENERIC_PREFIX) or rule_id in _STRUCTURAL_IDS:
        return VALUE_IDENTITY
    return rule_id
