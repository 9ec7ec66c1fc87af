"""Findings -> one inventory item per secret, with exposure, risk and rotation."""
