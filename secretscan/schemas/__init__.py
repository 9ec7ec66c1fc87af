"""JSON Schemas of secretscan's persisted formats (importlib.resources)."""
