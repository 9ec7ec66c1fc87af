"""Inventory -> remediation plan: secret-manager layout, policies, manifests, patches, runbooks."""
