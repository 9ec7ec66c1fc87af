from __future__ import annotations

import importlib.resources
import json

from jsonschema import Draft7Validator

from secretscan.report.inventory_json import render
from inventory_fixtures import C1, C2, C3, finding, inventory, loc
from secretscan.model import SecretKind, Storage

SCHEMA = json.loads(importlib.resources.files("secretscan.schemas").joinpath("inventory-v1.json").read_text())


def _doc() -> dict:
    inv = inventory(
        finding("secretscan.aws.access-key", SecretKind.CLOUD_IAM, loc("deploy/app.env", C2, in_tip=True, storage=Storage.DOTENV)),
        finding("secretscan.uri.postgres-password", SecretKind.PASSWORD,
                loc("services/orders/config.yml", C1, in_tip=False, removed=C3),
                loc("services/billing/app.yml", C2, in_tip=False, removed=C3)),
    )
    return json.loads(render(inv))


def test_inventory_json_validates_against_its_schema() -> None:
    assert list(Draft7Validator(SCHEMA).iter_errors(_doc())) == []


def test_groups_for_the_planner() -> None:
    doc = _doc()
    assert doc["secret_inventory"] == [
        {"type": "cloud_iam", "count": 1, "current_storage": ["dotenv"], "risk_level": "critical", "dynamic_eligible": True},
        {"type": "database_credentials", "count": 1, "current_storage": ["plain-file"], "risk_level": "critical", "dynamic_eligible": True},
    ]
    assert doc["summary"]["in_tip"] == 1 and doc["summary"]["history_only"] == 1
    assert doc["summary"]["actions"][:2] == [
        "Rotate 1 high/critical secret(s) still in the tip, then move them to a secret manager",
        "Rotate 1 secret(s) removed from the tip but still in history, then purge history",
    ]
