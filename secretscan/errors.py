"""One exception root; each subclass carries its exit code.

Exit codes (also in the README):
  0 clean, 1 findings at or above the threshold, 2 usage/config/input error,
  3 internal error, 130 interrupted.
"""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class SecretscanError(Exception):
    """Root of every error secretscan reports on purpose."""

    exit_code = EXIT_USAGE


class UsageError(SecretscanError):
    """Bad command-line usage."""


class ConfigError(SecretscanError):
    """Bad .secretscan.toml / [tool.secretscan]."""


class RuleError(SecretscanError):
    """A rule file that cannot be loaded or a rule that fails its own checks."""


class InputError(SecretscanError):
    """What we were asked to scan cannot be read as asked (missing path, shallow repo...)."""


class GitError(InputError):
    """git failed or the repository is unusable for the requested scan."""


class InternalError(SecretscanError):
    """A bug: something that should not happen."""

    exit_code = EXIT_INTERNAL
