"""Names and values that mark a secret, shared by every structure-aware walker.

``is_secret_name`` judges the name a value is assigned to (an env var, a property key, a
keyword argument): ``DB_PASSWORD``, ``clientSecret``, ``spring.mail.password``, ``api-key``
are secrets; ``PASSWORD_FILE``, ``token_url``, ``AWS_ACCESS_KEY_ID``, ``secretName``,
``password.min-length`` are not (they name where a secret is, or describe one).
The value helpers recognise references (``${VAR}``, vault paths, mounted files), encrypted
values (SOPS, Jasypt, Spring Cloud Config) and credentials inside URIs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from secretscan.lazyre import lazy

_CAMEL = lazy(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# A token that is a secret on its own.
_SECRET_TOKENS = frozenset(
    (
        "password passwd passwort passwords pwd pw pass passphrase passcode secret secrets token tokens "
        "credential credentials creds apikey apisecret privatekey secretkey accesskey authkey apitoken "
        "authtoken accesstoken refreshtoken clientsecret htpasswd sastoken bearer pat"
    ).split()
)
# Suffixes that make a single compound token a secret (dbpassword, githubtoken, appsecret).
_SECRET_SUFFIXES = ("password", "passwd", "secret", "token", "apikey", "privatekey", "secretkey", "accesskey")
# "<word> key" pairs that name a secret key (a bare "key" does not).
_KEY_QUALIFIERS = frozenset(
    (
        "api access secret private signing encryption encrypt master account app auth license shared session "
        "hmac jwt service subscription storage admin client cookie crypto cipher aes decryption sign webhook "
        "consumer"
    ).split()
)
# A last token that says the name is about a secret, not the secret itself.
_NOT_SECRET_TAIL = frozenset(
    (
        "file files path paths dir directory folder name names id ids uid length len size min max count "
        "enabled enable disabled disable required require policy policies type types format expiry expires "
        "expiration expire expired ttl timeout lifetime age ref refs reference env var variable header "
        "headers field fields param params parameter prefix suffix pattern regex regexp hint mode algorithm "
        "algo alg strength rotation version provider source location validation validator reset changed "
        "updated created at hashed digest encrypted cmd command script endpoint uri url urls label "
        "description desc help placeholder prompt message msg error text title rule rules chars charset "
        "characters complexity attempts retries retry interval period duration seconds secs ms minutes hours "
        "days mount volume template kind class method scheme schema style usage generator store keystore "
        "manager selector namespace annotation key keys mapping hash salt lookup resolver callback handler "
        "service server host port user username login email issuer audience scope scopes claim claims "
        "strategy storage cache limit sha checksum exists present set missing valid invalid index position "
        "pos old stdin input output out arn sid through thru rate"
    ).split()
)
# A first token that makes the name a flag or a question about a secret.
_NOT_SECRET_LEAD = frozenset(
    (
        "is has use uses enable enabled no show forgot reset existing require requires min max allow allowed "
        "generate auto verify validate check public num number skip ignore disable should can must mask "
        "masked hide hidden last next get set create update delete remove fetch load read write retrieve "
        "rotate revoke"
    ).split()
)
# Whole names that end like a secret but are not one.
_NOT_SECRET_NAMES = frozenset(
    (
        "bypass passthrough tokenizer secretary compass passage passenger password_reset keypass_file pwd_dir "
        "secretname secretref secretkeyref tokenizers csrf xsrf nonce"
    ).split()
)
# Whole dotted names known to hold a secret whatever their last word (Spring and friends).
_SECRET_DOTTED = frozenset({"encrypt.key", "spring.cloud.config.server.encrypt.key", "jasypt.encryptor.password"})


def may_name_secret(data: bytes) -> bool:
    """Whether ``data`` may hold a name ``is_secret_name`` accepts: a text search that finds
    every such name (and more), so a file it rejects holds none, unless escapes spell one
    (callers check for those). Secret words and "<qualifier> key" pairs case-insensitively;
    ``pat`` as the token ``name_tokens`` makes of it (GITHUB_PAT, githubPat, PATValue; not
    path or Pattern)."""
    words, pat = _name_hints()
    return words.search(data) is not None or pat.search(data) is not None


@lru_cache(maxsize=1)
def _name_hints() -> tuple[Any, Any]:
    import re2  # RE2: linear, and far faster than ``re`` on a case-insensitive alternation

    qualifiers = "|".join(sorted(_KEY_QUALIFIERS))
    options = re2.Options()
    options.case_sensitive = False
    # "author" is no secret word (authkey and authtoken are); case folding also finds the
    # Kelvin sign that ``str.lower`` makes a "k" (``_SECRET_DOTTED``).
    words = re2.compile(
        rf"pass|pw|secret|token|cred|auth(?:[^o]|o[^r]|$)|bearer|(?:{qualifiers})[^a-z0-9]*key".encode(), options
    )
    return words, re2.compile(rb"(?:pat|Pat|PAT)(?:[^a-z]|$)")


def name_tokens(name: str) -> list[str]:
    """``DB_PASSWORD`` -> [db, password]; ``clientSecret`` -> [client, secret]; ``APIKey`` -> [api, key]."""
    out: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        out.extend(t.lower() for t in _CAMEL.findall(chunk))
    return out


@lru_cache(maxsize=8192)
def is_secret_name(name: str) -> bool:
    """Whether a value assigned to ``name`` is, by its name, a secret."""
    name = name.strip().strip("\"'")
    if not name:
        return False
    if name.lower() in _SECRET_DOTTED:
        return True
    segment = _last_segment(name)
    if segment.lower().replace("-", "_") in _NOT_SECRET_NAMES or segment.lower() in _NOT_SECRET_NAMES:
        return False
    tokens = name_tokens(segment)
    if tokens == ["key"]:
        tokens = name_tokens(_previous_segment(name)) + tokens
    if not tokens:
        return False
    if tokens[-1] in _NOT_SECRET_TAIL and not _keyed_at(tokens, len(tokens) - 1):
        return False
    if tokens[0] in _NOT_SECRET_LEAD and len(tokens) > 1:
        return False
    return any(_keyed_at(tokens, i) for i in range(len(tokens))) or any(_secret_token(t) for t in tokens)


def _keyed_at(tokens: list[str], i: int) -> bool:
    """``api key``, ``private key``, ``secret key``: a key qualified as a secret one."""
    return i >= 1 and tokens[i] in ("key", "keys") and tokens[i - 1] in _KEY_QUALIFIERS


def _secret_token(token: str) -> bool:
    if token in _SECRET_TOKENS:
        return True
    return len(token) > 6 and token.endswith(_SECRET_SUFFIXES) and token not in _NOT_SECRET_NAMES


def _last_segment(name: str) -> str:
    parts = [p for p in re.split(r"[./:\[\]]+", name) if p]
    return parts[-1] if parts else name


def _previous_segment(name: str) -> str:
    parts = [p for p in re.split(r"[./:\[\]]+", name) if p]
    return parts[-2] if len(parts) >= 2 else ""


# --- values -----------------------------------------------------------------------------

_ENCRYPTED = lazy(
    r"""^(?:
        ENC\[(?:AES256_GCM|AES256-GCM),data:.*\]   # SOPS
      | ENC\(.+\)                                  # Jasypt
      | \{cipher\}.+                               # Spring Cloud Config
      | \$ANSIBLE_VAULT;.+                         # Ansible Vault
      | vault:v\d+:.+                              # Vault transit ciphertext
    )$""",
    re.X | re.S,
)
_REFERENCE = lazy(
    r"""^(?:
        (?:ref\+)?(?:vault|awssm|awsssm|gcpsecrets|azurekeyvault|sops|op|bw|doppler|infisical|akv)://\S+
      | arn:aws(?:-[a-z]+)?:(?:secretsmanager|ssm|kms):\S+
      | \{\{resolve:(?:secretsmanager|ssm|ssm-secure):[^}]+\}\}   # CloudFormation dynamic refs
      | projects/[^/\s]+/secrets/[^/\s]+(?:/versions/\S+)?           # GCP Secret Manager
      | https://[a-z0-9-]+\.vault\.azure\.net/secrets/\S+             # Azure Key Vault
      | @Microsoft\.KeyVault\(.+\)
      | (?:/run/secrets|/var/run/secrets|/etc/secrets|/mnt/secrets(?:-store)?)/\S*
    )$""",
    re.X | re.I,
)
_URI_USERINFO = lazy(
    r"""\b[a-z][a-z0-9+.\-]{1,30}://           # scheme
        (?P<user>[^\s:@/?#'"<>{}]*)              # user (may be empty: redis://:pw@host)
        :(?P<password>[^\s@/?#'"<>{}]+)          # password
        @[^\s@/?#'"<>]+                          # host
    """,
    re.X | re.I,
)
_CONN_PASSWORD = lazy(r"(?:^|;)\s*(?:password|pwd|accountkey|sharedaccesskey)\s*=\s*(?P<password>[^;\"']+)", re.I)


def is_encrypted_value(value: str) -> bool:
    """SOPS ``ENC[AES256_GCM,...]``, Jasypt ``ENC(...)``, ``{cipher}...``, Ansible Vault, Vault transit."""
    return bool(_ENCRYPTED.match(value.strip()))


def is_reference_value(value: str) -> bool:
    """A pointer to a secret kept elsewhere: a secret manager URI or ARN, a mounted secret file."""
    return bool(_REFERENCE.match(value.strip()))


def credential_in_value(value: str) -> tuple[int, int] | None:
    """Span of a password inside a URI (``scheme://user:pw@host``) or a connection string
    (``Server=x;Password=pw``), or None."""
    m = _URI_USERINFO.search(value)
    if m is not None:
        return m.span("password")
    m = _CONN_PASSWORD.search(value)
    if m is not None and re.search(r"(?:server|host|data source|endpoint|accountname)\s*=", value, re.I):
        start, end = m.span("password")
        while end > start and value[end - 1] in " \t":
            end -= 1
        return start, end
    return None


_DEFAULT_REF = lazy(r"^\$\{(?P<name>[A-Za-z_][\w.\-]*)(?:(?P<op>:-|:=|-|=|:\?|\?|:)(?P<rest>.*))?\}$", re.S)


def reference_default(value: str) -> tuple[str, tuple[int, int] | None] | None:
    """For a value that is one ``${NAME}`` / ``${NAME:default}`` / ``${NAME:-default}``
    expression: the variable name and the span of a non-empty literal default (nested
    ``${A:${B:x}}`` resolved to ``x``); None when the value is not such an expression."""
    m = _DEFAULT_REF.match(value)
    if m is None:
        return None
    name, op, rest = m.group("name"), m.group("op"), m.group("rest")
    if op is None or op in (":?", "?") or not rest:
        return name, None
    offset = m.start("rest")
    inner = reference_default(rest)
    if inner is not None:
        span = inner[1]
        return name, None if span is None else (offset + span[0], offset + span[1])
    if "${" in rest:
        return name, None
    return name, (offset, offset + len(rest))


_CREDENTIAL_FILES = frozenset(
    (
        ".env id_rsa id_dsa id_ecdsa id_ed25519 .npmrc .pypirc .netrc _netrc .git-credentials .pgpass "
        ".dockercfg credentials credentials.json .htpasswd .my.cnf .s3cfg .boto kubeconfig .ssh .aws .vault- "
        "token secrets.json secrets.yaml secrets.yml secret.json service-account.json serviceaccount.json "
        "client_secret.json client_secrets.json keyfile.json .gnupg"
    ).split()
)
_CREDENTIAL_SUFFIXES = (".key", ".p12", ".pfx", ".ppk", ".kdbx", ".env")
_NOT_CREDENTIAL_ENV = ("example", "sample", "template", "dist", "defaults", "default", "schema", "tpl")


def is_credential_file(path: str) -> bool:
    """A file whose content is, by its name, a credential: ``.env``, ``id_rsa``, ``.npmrc``,
    ``.pypirc``, ``.netrc``, ``.git-credentials``, ``.pgpass``, ``credentials``, ``*.key``..."""
    clean = path.strip().strip("\"'").rstrip("/")
    base = clean.rsplit("/", 1)[-1].lower()
    if not base or "*" in base and base != "*.env":
        return False
    parent = clean.rsplit("/", 2)[-2].lower() if clean.count("/") >= 1 else ""
    if base == "config" and parent in (".kube", ".docker") or base == "config.json" and parent == ".docker":
        return True
    if base.startswith(".env.") or base.endswith(".env") and base != ".env":
        return not any(word in base for word in _NOT_CREDENTIAL_ENV)
    return base in _CREDENTIAL_FILES or base.endswith(_CREDENTIAL_SUFFIXES) and not base.endswith(".pub")
