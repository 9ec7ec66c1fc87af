"""Fixtures of the apply tests: the real OpenBao and PostgreSQL servers (tests/live_services.py)."""

from live_services import openbao, postgres  # noqa: F401 - session fixtures
