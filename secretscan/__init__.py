"""secretscan: find secrets in repositories and get them out safely."""

__version__ = "0.1.0"
