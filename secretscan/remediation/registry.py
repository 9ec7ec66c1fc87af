"""The explicit registry of artefact generators: name -> ``generate(ctx) -> list[Artefact]``.

Every generator decides for itself whether it applies (the Vault generator writes nothing for a
cloud backend, the ESO generator nothing outside Kubernetes) and returns its files. A generator
module is imported when the plan runs, not when this module is imported: `secretscan scan` never
pays for them, and a generator whose module is not there yet is simply absent (a bug inside a
present one is never hidden: only the missing module itself is tolerated).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from secretscan.remediation.model import Artefact, Generator, PlanContext


def lazy(module: str, function: str = "generate") -> Generator:
    """A generator that imports ``module`` on its first call."""

    def run(ctx: PlanContext) -> list[Artefact]:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                return []
            raise
        generate: Callable[[PlanContext], list[Artefact]] = getattr(mod, function)
        return generate(ctx)

    run.__qualname__ = f"lazy({module})"
    return run


# Order is the order artefacts are listed in the plan.
GENERATORS: dict[str, Generator] = {
    "tools": lazy("secretscan.remediation.commands"),
    "vault": lazy("secretscan.remediation.vault"),
    "eso": lazy("secretscan.remediation.eso"),
    "k8s_patch": lazy("secretscan.remediation.k8s_patch"),
    "sops": lazy("secretscan.remediation.sops"),
    "dockerfile": lazy("secretscan.remediation.dockerfile"),
    "spring": lazy("secretscan.remediation.spring"),
    "cicd": lazy("secretscan.remediation.cicd"),
    "cloud": lazy("secretscan.remediation.cloud"),
    "snippets": lazy("secretscan.remediation.snippets"),
    "runbooks": lazy("secretscan.remediation.runbooks"),
    "purge": lazy("secretscan.remediation.purge"),
}


def generate_all(ctx: PlanContext, generators: dict[str, Generator] | None = None) -> tuple[Artefact, ...]:
    """Every registered generator's artefacts, in registry order; two generators writing the
    same path is a bug."""
    out: list[Artefact] = []
    owners: dict[str, str] = {}
    for name, generate in (generators or GENERATORS).items():
        for art in generate(ctx):
            if art.path in owners:
                from secretscan.errors import InternalError

                raise InternalError(f"generators {owners[art.path]} and {name} both write {art.path}")
            owners[art.path] = name
            out.append(art)
    return tuple(out)
