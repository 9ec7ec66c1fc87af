"""Carrying a remediation plan out: file changes (``fix``), values into Vault (``migrate``),
rotation (``rotate``). Nothing here prints; the CLI renders the reports."""
