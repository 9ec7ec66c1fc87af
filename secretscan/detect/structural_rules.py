"""Rules for findings that the structure of a file shows, not a pattern.

A value in a Kubernetes Secret, a literal ``env[].value`` named ``DB_PASSWORD``, an
``ENV API_TOKEN=...`` in a Dockerfile: no regex names these, the parser does. They are Rule
records like the pattern rules (reports, SARIF and grouping look rules up by id) with an
empty pattern: the engine never compiles them. Each walker's Values carry a storage; a
storage names its default rule here, and a Value can name a more precise one (``rule``).

``filtered`` says whether the value filters of ``secretscan.detect.filters`` judge the value
(placeholders, references, words, paths...): yes for everything but a copied credential
file, whose "value" is the file's path.
"""

from __future__ import annotations

from dataclasses import dataclass

from secretscan.model import Confidence, Rule, RuleId, SecretKind, Severity, Storage

_DOCS = "https://kubernetes.io/docs/concepts/configuration/secret/"


@dataclass(frozen=True, slots=True)
class StructuralRule:
    rule: Rule
    filtered: bool = True


def _rule(
    rule_id: str,
    name: str,
    provider: str,
    kind: SecretKind,
    severity: Severity,
    confidence: Confidence,
    description: str,
    reference: str = "",
) -> Rule:
    return Rule(
        id=RuleId(rule_id),
        name=name,
        provider=provider,
        kind=kind,
        pattern="",
        keywords=(),
        min_entropy=None,
        confidence=confidence,
        severity=severity,
        references=(reference,) if reference else (),
        examples=(),
        negative_examples=(),
        description=description,
        source="secretscan/detect/structural_rules.py",
        # A value the structure marks as a secret may well be a UUID or a hex string.
        skip_filters=("uuid", "hex_hash"),
    )


H, M, L = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW
_ALL = (
    StructuralRule(
        _rule(
            "secretscan.kubernetes.secret-value",
            "Value of a Kubernetes Secret committed to the repository",
            "Kubernetes",
            SecretKind.GENERIC,
            Severity.HIGH,
            H,
            "A Secret manifest in git holds its values base64-encoded, not encrypted: anyone who can read "
            "the repository can read them. Use SealedSecrets, SOPS or an ExternalSecret instead.",
            _DOCS,
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.kubernetes.tls-private-key",
            "TLS private key in a Kubernetes Secret",
            "Kubernetes",
            SecretKind.PRIVATE_KEY,
            Severity.CRITICAL,
            H,
            "The tls.key of a kubernetes.io/tls Secret committed to the repository.",
            _DOCS,
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.docker.registry-credential",
            "Container registry credential (docker config auths)",
            "Docker",
            SecretKind.PASSWORD,
            Severity.HIGH,
            H,
            "A registry password or token in a docker config.json or a kubernetes.io/dockerconfigjson Secret "
            "(auths.<registry>.auth decodes to user:password).",
            "https://docs.docker.com/reference/cli/docker/login/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.kubernetes.env-literal",
            "Secret set as a literal env value in a Kubernetes pod spec",
            "Kubernetes",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "A container env[].value whose name or value marks a secret. Reference a Secret with "
            "valueFrom.secretKeyRef instead.",
            "https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.kubernetes.configmap-secret",
            "Secret stored in a Kubernetes ConfigMap",
            "Kubernetes",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "ConfigMaps are not meant for confidential data: they are readable by anyone with read access "
            "to the namespace and are stored in git as plain text.",
            "https://kubernetes.io/docs/concepts/configuration/configmap/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.kubernetes.manifest-secret",
            "Secret written into a Kubernetes manifest",
            "Kubernetes",
            SecretKind.PASSWORD,
            Severity.MEDIUM,
            M,
            "A field of a Kubernetes object (container args, a custom resource, an annotation) whose name or "
            "value marks a secret.",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.kubernetes.kubeconfig-credential",
            "Credential in a kubeconfig file",
            "Kubernetes",
            SecretKind.SERVICE_TOKEN,
            Severity.CRITICAL,
            H,
            "A user token, password or client key in a kubeconfig (kind: Config): cluster access.",
            "https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.helm.values-secret",
            "Secret in Helm values",
            "Helm",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "A Helm values file sets a secret as a literal; pass it at install time or reference an existing Secret.",
            "https://helm.sh/docs/chart_best_practices/values/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.kustomize.secret-literal",
            "Secret literal in a Kustomize secretGenerator",
            "Kustomize",
            SecretKind.GENERIC,
            Severity.HIGH,
            H,
            "secretGenerator literals are committed in plain text in kustomization.yaml.",
            "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/secretgenerator/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.dockerfile.env-secret",
            "Secret in a Dockerfile ENV",
            "Docker",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "ENV values persist in every later image layer, in the image config and in `docker history`.",
            "https://docs.docker.com/build/building/secrets/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.dockerfile.arg-secret",
            "Secret as a Dockerfile ARG default",
            "Docker",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "ARG defaults are recorded in the image history and build metadata.",
            "https://docs.docker.com/build/building/secrets/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.dockerfile.label-secret",
            "Secret in a Dockerfile LABEL",
            "Docker",
            SecretKind.PASSWORD,
            Severity.MEDIUM,
            M,
            "LABELs are image metadata, readable by anyone who can pull the image.",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.dockerfile.run-credential",
            "Credential in a Dockerfile command",
            "Docker",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "RUN, CMD, ENTRYPOINT and HEALTHCHECK commands are recorded verbatim in the image history and config; "
            "use `RUN --mount=type=secret`.",
            "https://docs.docker.com/build/building/secrets/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.dockerfile.copied-credential-file",
            "Credential file copied into an image",
            "Docker",
            SecretKind.GENERIC,
            Severity.MEDIUM,
            M,
            "COPY/ADD of a file that holds credentials (.env, id_rsa, .npmrc, .pypirc, credentials...) stores it "
            "in an image layer; deleting it later does not remove it from that layer.",
            "https://docs.docker.com/build/building/secrets/",
        ),
        filtered=False,
    ),
    StructuralRule(
        _rule(
            "secretscan.compose.env-secret",
            "Secret in a docker-compose environment or build args",
            "Docker",
            SecretKind.PASSWORD,
            Severity.MEDIUM,
            M,
            "A literal secret in docker-compose `environment:` or `build.args`; use `secrets:` or an env file "
            "kept out of git.",
            "https://docs.docker.com/compose/how-tos/use-secrets/",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.spring.secret-property",
            "Secret in a Spring configuration property",
            "Spring",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "A Spring property (application*.yml/properties, bootstrap*) holds a secret literally or as the "
            "default of ${VAR:default}; use {cipher}, ENC() or an external secret source.",
            "https://docs.spring.io/spring-boot/reference/features/external-config.html",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.dotenv.secret-value",
            "Secret in an env file",
            "Config",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "A committed .env file sets a secret.",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.config.secret-value",
            "Secret in a configuration file",
            "Config",
            SecretKind.PASSWORD,
            Severity.MEDIUM,
            M,
            "A key of a configuration file (properties, ini, YAML, JSON) whose name marks a secret is set literally.",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.config.credential-file",
            "Credential in a credential file",
            "Config",
            SecretKind.PASSWORD,
            Severity.HIGH,
            H,
            "A password or token in a file whose format exists to hold credentials: .netrc, .git-credentials, "
            ".pgpass, .npmrc, .pypirc.",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.terraform.secret-value",
            "Secret in Terraform code or variables",
            "Terraform",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "A literal secret in *.tfvars, a variable default or a resource argument; it also lands in the state.",
            "https://developer.hashicorp.com/terraform/tutorials/configuration-language/sensitive-variables",
        )
    ),
    StructuralRule(
        _rule(
            "secretscan.code.hardcoded-secret",
            "Hard-coded secret in source code",
            "Source code",
            SecretKind.PASSWORD,
            Severity.HIGH,
            M,
            "A string literal assigned to, or passed as, a name that marks a secret.",
        )
    ),
)

STRUCTURAL: dict[str, StructuralRule] = {s.rule.id: s for s in _ALL}
STRUCTURAL_RULES: tuple[Rule, ...] = tuple(s.rule for s in _ALL)

BY_STORAGE: dict[Storage, str] = {
    Storage.KUBERNETES_SECRET: "secretscan.kubernetes.secret-value",
    Storage.KUBERNETES_ENV_LITERAL: "secretscan.kubernetes.env-literal",
    Storage.CONFIGMAP: "secretscan.kubernetes.configmap-secret",
    Storage.KUBERNETES_MANIFEST: "secretscan.kubernetes.manifest-secret",
    Storage.HELM_VALUES: "secretscan.helm.values-secret",
    Storage.KUSTOMIZE: "secretscan.kustomize.secret-literal",
    Storage.DOCKERFILE_ENV: "secretscan.dockerfile.env-secret",
    Storage.DOCKERFILE_ARG: "secretscan.dockerfile.arg-secret",
    Storage.DOCKERFILE_LABEL: "secretscan.dockerfile.label-secret",
    Storage.DOCKERFILE_RUN: "secretscan.dockerfile.run-credential",
    Storage.DOCKERFILE_COPY: "secretscan.dockerfile.copied-credential-file",
    Storage.COMPOSE_ENV: "secretscan.compose.env-secret",
    Storage.SPRING_CONFIG: "secretscan.spring.secret-property",
    Storage.DOTENV: "secretscan.dotenv.secret-value",
    Storage.CONFIG_FILE: "secretscan.config.secret-value",
    Storage.TERRAFORM: "secretscan.terraform.secret-value",
    Storage.SOURCE_CODE: "secretscan.code.hardcoded-secret",
    Storage.PLAIN_FILE: "secretscan.config.secret-value",
}


def structural_rule(storage: Storage, override: str = "") -> StructuralRule:
    """The rule for a structural finding: the Value's own choice, else its storage's."""
    chosen = STRUCTURAL.get(override) if override else None
    return chosen or STRUCTURAL[BY_STORAGE.get(storage, "secretscan.config.secret-value")]
