"""Filters for what looks like a secret but is not.

Each filter is a small pure predicate over a candidate: True means "not a secret".
They are listed explicitly in FILTERS (no discovery, no introspection); a rule can opt
out of a filter by name with ``skip_filters`` (a UUID-shaped API key skips ``uuid``).

Three groups, in this order:

* value filters, for every rule: placeholders, references, documented examples, trivial
  runs, UUIDs, hex digests, lockfile hashes, Base58Check checksums, toy JWTs, CA bundles;
* context filters, for *contextual* rules only (``contextual``: confidence below high and
  kind password, generic or database credential, i.e. generic assignments and the like).
  They read how the value is written (quoted or not, in which kind of file, under which
  key name, found from ``Candidate.column``) and its shape (code, a path, a word, a hash,
  the cut-off start of a longer literal);
* ``sample_file``, for every rule below high confidence: templates and example folders.

Every filter is linear in the size of the value and its line: values can be as large as a
file and the content is hostile. The regexes here are anchored or built from bounded,
unambiguous pieces, so Python's backtracking engine stays linear on them (the tests time
each filter on adversarial values).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from secretscan.lazyre import lazy
from secretscan.model import Confidence, Rule, SecretKind


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a filter sees: the value, its rule, its line and its file.

    ``column`` is the character offset of the value in ``line`` (-1 when unknown); context
    filters read the key name and the quoting around the value from it.
    """

    secret: str
    rule: Rule
    line: str
    path: str
    column: int = -1


Filter = Callable[[Candidate], bool]

# ---------------------------------------------------------------- placeholders

# Whole tokens (split on non-alphanumerics) that mark a value as a stand-in.
_PLACEHOLDER_TOKENS = frozenset(
    {
        "changeme",
        "changeit",
        "replaceme",
        "placeholder",
        "dummy",
        "redacted",
        "notreal",
        "todo",
        "fixme",
        "tbd",
        "foobar",
        "example",
        "sample",
        "fake",
        "mock",
        "lorem",
        "ipsum",
        "insert",
        "yyy",
        "zzz",
        "abc",
    }
)
# Token sequences that mark a stand-in wherever they sit in the value.
_PLACEHOLDER_PHRASES = (
    " change me ",
    " replace me ",
    " not a real ",
    " not real ",
    " put your ",
    " insert your ",
    " enter your ",
    " add your ",
    " goes here ",
    " secret here ",
    " token here ",
    " key here ",
    " password here ",
)
# Letters-only tokens starting or ending like these are prose, not random: yourapikey, tokenhere.
_PLACEHOLDER_HEADS = ("your", "insert", "enter", "replace", "change", "put")
_PLACEHOLDER_TAILS = ("here", "goeshere")
_PLACEHOLDER_EXACT = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "apikey",
        "api_key",
        "api-key",
        "key",
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "test",
        "testing",
        "admin",
        "administrator",
        "default",
        "string",
        "str",
        "value",
        "pass",
        "pwd",
        "root",
        "guest",
        "user",
        "username",
        "login",
        "postgres",
        "mysql",
        "letmein",
        "qwerty",
        "welcome",
        "hunter",
        "none",
        "null",
        "nil",
        "undefined",
        "empty",
        "foo",
        "bar",
        "baz",
        "qux",
        "abc",
    }
)
# Weak defaults written in leetspeak with a number or symbol on the end: P@ssw0rd1!, Secret123.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_WEAK_DEFAULTS = frozenset(
    {
        "password",
        "passw",
        "passwd",
        "pass",
        "secret",
        "admin",
        "changeme",
        "changeit",
        "letmein",
        "qwerty",
        "welcome",
        "default",
        "test",
        "root",
        "guest",
        "user",
        "token",
        "mypassword",
        "mysecret",
        "supersecret",
        "topsecret",
        "secretpassword",
        "adminpassword",
        "hunter",  # hunter2, the Internet's proverbial password
    }
)
_TOKEN_SPLIT = lazy(r"[^A-Za-z0-9]+")
_MASK = lazy(r"([*xX•#.·_-])\1*|[*xX•#]{4,}")
# Masks inside a value: sk_live_XXXXXXXX, AKIA************; six x's never occur by chance.
_MASK_RUN = lazy(r"x{6,}|\*{3,}|•{3,}", re.I)


def placeholder(c: Candidate) -> bool:
    """Stand-in values: changeme, <your-token>, your_api_key_here, xxxx, ****, P@ssw0rd1.

    Words are matched as whole tokens (split on non-alphanumerics), never as substrings,
    so a random token that happens to contain ``todo`` or ``test`` is kept.
    """
    low = c.secret.lower()
    if low in _PLACEHOLDER_EXACT or _MASK.fullmatch(c.secret) or _MASK_RUN.search(c.secret):
        return True
    if "<" in low and ">" in low:
        return True  # sk-<your key>
    if "..." in low or "\u2026" in low:
        return True  # an elided sample: eyJhbGciOi...
    if _weak_default(low):
        return True
    tokens = [t for t in _TOKEN_SPLIT.split(low) if t]
    if tokens[:1] == ["your"] or any(_placeholder_token(t) for t in tokens):
        return True  # YOUR_API_KEY, your-token
    joined = " " + " ".join(tokens) + " "
    return any(phrase in joined for phrase in _PLACEHOLDER_PHRASES)


def _placeholder_token(token: str) -> bool:
    if token in _PLACEHOLDER_TOKENS or (len(token) >= 3 and token.count("x") == len(token)):
        return True
    if not token.isalpha() or len(token) < 6:
        return False
    return token.startswith(_PLACEHOLDER_HEADS) or token.endswith(_PLACEHOLDER_TAILS)


def _weak_default(low: str) -> bool:
    """A dictionary default in leetspeak, with digits or symbols appended: p@ssw0rd123!."""
    if len(low) > 20:
        return False
    core = low.rstrip("0123456789!?.#*_-").translate(_LEET)
    return core in _WEAK_DEFAULTS


# ---------------------------------------------------------------- references

_TEMPLATE = lazy(
    r"""(?:
        \$\{[^}]*\}            # ${VAR} / ${VAR:-x}
      | \$\([^)]*\)            # $(cmd) / $(VAR)
      | \$[A-Za-z_][A-Za-z0-9_]*   # $VAR
      | \{\{.*\}\}             # {{ .Values.x }} / jinja / mustache
      | \{%.*%\}               # jinja blocks
      | %\([^)]*\)[sdr]        # %(pw)s
      | %[A-Za-z_][A-Za-z0-9_]*%   # %WINDOWS_VAR%
      | <[^<>]{1,60}>          # <your-token>
      | \[[A-Z_ -]{3,60}\]     # [YOUR TOKEN]
      | @[A-Za-z_]+@           # @MAVEN_FILTER@
      | \#\{[^}]*\}            # #{ruby} / Spring SpEL
      | __[A-Z0-9_]+__         # __TOKEN__
      | \{[A-Za-z_][A-Za-z0-9_.]*\}  # {password} format fields
      | ENV\[.*\]              # ENV['X'] in Ruby
      | process\.env\..*       # process.env.X
      | os\.environ.*          # os.environ['X']
      | os\.getenv.*
    )""",
    re.X,
)
# Interpolation anywhere in the value: "prefix-${VAR}", "{{ x }}-suffix", "%(pw)s@host".
_INTERPOLATION = lazy(r"\$\{|\{\{|\{%|\#\{|<%|\$\([A-Za-z_]|%\([A-Za-z_][A-Za-z0-9_]{0,60}\)[sdr]")


def template(c: Candidate) -> bool:
    """References to a value held elsewhere: ${VAR}, {{ .Values.x }}, %(pw)s, <token>."""
    value = c.secret.strip("'\"")
    return bool(_TEMPLATE.fullmatch(value) or _INTERPOLATION.search(value))


# ---------------------------------------------------------------- documented examples

# Example credentials published in providers' and standards' own documentation.
_DOCUMENTED_EXAMPLES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
        "ASIAIOSFODNN7EXAMPLE",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        "xoxb-not-a-real-token-this-will-not-work",
        "ghp_1234567890abcdefghijklmnopqrstuvwxyz",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        # jwt.io's sample token
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        # Hardhat / Anvil default development accounts #0 and #1
        "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        # The SAS signature of AWS DataSync's API reference (AzureBlobSasConfiguration), percent-encoded
        # and decoded (the decoding pass sees it without the sentence that introduces it)
        "aBBKDWQvyuVcTPH9EBp%2FXTI9E%2F%2Fmq171%2BZU178wcwqU%3D",
        "aBBKDWQvyuVcTPH9EBp/XTI9E//mq171+ZU178wcwqU=",
        # BIP-39 test vector and Hardhat's default mnemonic
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        "test test test test test test test test test test test junk",
    }
)


# Sample accounts that documentation uses as user:password (Oracle's SCOTT/TIGER schema, which
# SQLAlchemy's and many ORMs' docs write as scott:tiger@host), matched on the password's start.
_DOCUMENTED_ACCOUNTS = (("scott", "tiger"),)
# Documentation introducing a sample on the same line, before the value:
# "A token looks something like this: sp=r&st=...&sig=...", "for example: ghp_...".
_INTRODUCES_SAMPLE = lazy(
    r"\b(?:for example|for instance|e\.g\.|looks (?:something )?like|something like)(?:[\s:,]|$)", re.I
)


def documented_example(c: Candidate) -> bool:
    """Providers' published example keys: AWS's AKIAIOSFODNN7EXAMPLE, AQoEXAMPLEH4..., jwt.io's token,
    Hardhat's development keys. Documentation marks its samples with the word "example" inside
    the value (seven letters in a row never occur in a random token by chance), with a sample
    account (``scott:tiger``), or by introducing the value in prose on the same line ("a token
    looks something like this: ...", "for example ...")."""
    if c.secret in _DOCUMENTED_EXAMPLES or "example" in c.secret.lower():
        return True
    low = c.secret.lower()
    line = c.line.lower()
    if any(low.startswith(pw) and f"{user}:{low}" in line for user, pw in _DOCUMENTED_ACCOUNTS):
        return True
    return bool(_INTRODUCES_SAMPLE.search(_before(c, 300)))


# ---------------------------------------------------------------- trivial values


def repeated_or_sequential(c: Candidate) -> bool:
    """aaaaaaaa, 12345678, abcdefgh, abcabcabc, abcd1234, aaaa1111: no real secret looks like these."""
    core = _strip_prefix(c.secret)
    if len(core) < 4:
        return False
    if len(set(core)) <= 2:
        return True
    if _is_period(core) or _trivial_runs(core) < len(core):
        return True
    return len(core) >= 12 and (_alphabet_walk(core) or _counting_digits(core))


def _alphabet_walk(s: str) -> bool:
    """Mostly consecutive letters, whatever the case: AB1C2defGHijkLMNo3PqQRstUvwxyz (a sample)."""
    low = s.lower()
    if low.isascii():  # each byte against the one before it plus one, at C speed
        raw = low.encode("ascii")
        steps = sum(map(operator.eq, raw.translate(_PLUS_ONE), raw[1:]))
    else:
        steps = sum(1 for a, b in zip(low, low[1:]) if ord(b) - ord(a) == 1)
    return steps * 5 >= (len(s) - 1) * 2  # 40% of the pairs; a random string has about 3%


_PLUS_ONE = bytes(range(1, 256)) + b"\x00"


def _counting_digits(s: str) -> bool:
    """Digits that count up between other characters: a123b45c6d78e9f012a34 (a sample)."""
    digits = s.translate(_ONLY_DIGITS)
    if len(digits) < 8:
        return False
    counting = sum(map(operator.eq, digits.translate(_NEXT_DIGIT), digits[1:]))  # 9 counts up to 0
    return counting * 4 >= (len(digits) - 1) * 3  # 75% of the steps; random digits: 10%


class _OnlyDigits(dict[int, None]):
    """A translate table that drops every character but the ASCII digits."""

    def __missing__(self, code: int) -> int | None:
        kept = self[code] = code if 48 <= code <= 57 else None
        return kept


_ONLY_DIGITS = _OnlyDigits()
_NEXT_DIGIT = str.maketrans("0123456789", "1234567890")


def _trivial_runs(s: str) -> int:
    """How many maximal runs of constant step (-1, 0 or +1) cover ``s`` (abcd1234 is two,
    aaa111bbb three); ``len(s)`` when a run shorter than three characters breaks the chain."""
    runs, length, step = 1, 1, None
    for a, b in zip(s, s[1:]):
        d = ord(b) - ord(a)
        if length >= 2 and d == step:
            length += 1
        elif length == 1 and d in (-1, 0, 1):
            step, length = d, 2
        else:
            if length < 3:
                return len(s)
            runs, length, step = runs + 1, 1, None
    return runs if length >= 3 else len(s)


def _strip_prefix(secret: str) -> str:
    """Drop a provider prefix such as ``ghp_`` or ``sk-`` before judging variety."""
    for sep in ("_", "-"):
        head, found, tail = secret.partition(sep)
        if found and len(head) <= 6 and head.isalpha() and len(tail) >= 8:
            return tail
    return secret


def _is_period(s: str) -> bool:
    """A short unit repeated: abcabcabc, 1a2b1a2b1a2b."""
    for size in range(1, min(5, len(s) // 3) + 1):
        unit = s[:size]
        if (unit * (len(s) // size + 1))[: len(s)] == s:
            return True
    return False


_UUID = lazy(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX_HASH = lazy(
    r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})"
    r"|(?:[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{56}|[0-9A-F]{64}|[0-9A-F]{96}|[0-9A-F]{128})"
)


def uuid(c: Candidate) -> bool:
    """A UUID, where the rule does not expect one (such rules skip this filter)."""
    return bool(_UUID.fullmatch(c.secret))


def hex_hash(c: Candidate) -> bool:
    """An MD5/SHA-1/SHA-224/SHA-256/SHA-384/SHA-512 digest, where the rule does not expect hex."""
    return bool(_HEX_HASH.fullmatch(c.secret))


_INTEGRITY = lazy(r"\b(?:sha(?:1|256|384|512)|md5)-[A-Za-z0-9+/=]{20,}")
_LOCKFILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "poetry.lock",
        "pipfile.lock",
        "pdm.lock",
        "uv.lock",
        "go.sum",
        "cargo.lock",
        "composer.lock",
        "gemfile.lock",
        "podfile.lock",
        "packages.lock.json",
        "gradle.lockfile",
        "flake.lock",
        "mix.lock",
        "pubspec.lock",
        "package.resolved",
    }
)


def lockfile_integrity(c: Candidate) -> bool:
    """Integrity hashes (sha512-...) and anything a less than certain rule finds in a lockfile."""
    if any(c.secret in m.group(0) for m in _INTEGRITY.finditer(c.line)):
        return True
    name = PurePosixPath(c.path).name.lower()
    return name in _LOCKFILES and c.rule.confidence < Confidence.HIGH


# ---------------------------------------------------------------- checksums

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {ch: i for i, ch in enumerate(_B58)}
# Base58Check-encoded wallet keys: WIF (51-52 chars) and BIP-32 extended keys (111 chars).
_B58CHECK_SHAPE = lazy(r"[5KLc9][1-9A-HJ-NP-Za-km-z]{50,51}|[a-zA-Z]prv[1-9A-HJ-NP-Za-km-z]{107,108}")


def base58check(c: Candidate) -> bool:
    """A WIF or extended private key whose Base58Check checksum fails: not a real key."""
    if c.rule.kind is not SecretKind.PRIVATE_KEY or not _B58CHECK_SHAPE.fullmatch(c.secret):
        return False
    raw = _b58decode(c.secret)
    if raw is None or len(raw) < 5:
        return True
    body, checksum = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] != checksum


def _b58decode(text: str) -> bytes | None:
    number = 0
    for ch in text:
        index = _B58_INDEX.get(ch)
        if index is None:
            return None
        number = number * 58 + index
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + number.to_bytes((number.bit_length() + 7) // 8, "big")


# ---------------------------------------------------------------- JWT samples

_JWT = lazy(r"eyJ[A-Za-z0-9_-]{2,}\.(eyJ[A-Za-z0-9_-]{2,})\.[A-Za-z0-9_-]+")
_JWT_MAX_CLAIMS = 16384  # longer claims are not judged (kept)
# Registered claims (RFC 7519 section 4.1) and the identity claims issuers add.
_REAL_CLAIMS = frozenset(
    {
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "scope", "scp", "role", "roles", "email",
        "user_id", "userId", "uid", "client_id", "tid", "oid", "sid", "auth_time", "preferred_username",
        "username", "permissions", "tenant", "account_id", "org_id",
    }
)  # fmt: skip


def jwt_without_claims(c: Candidate) -> bool:
    """A JWT whose claims decode to JSON holding none of the registered or identity claims:
    a documentation toy such as {"k": "value"}, not a token an issuer minted. (Claims that do
    not decode are not judged: a provider may wrap its own payload in the JWT shape.)"""
    match = _JWT.fullmatch(c.secret)
    if match is None or len(match.group(1)) > _JWT_MAX_CLAIMS:
        return False
    claims = _b64url_json(match.group(1))
    if claims is None:
        return False
    return not (isinstance(claims, dict) and _REAL_CLAIMS.intersection(claims))


def _b64url_json(segment: str) -> object:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        return None  # UnicodeDecodeError and JSONDecodeError are ValueErrors


# ---------------------------------------------------------------- CA bundles

# Bundles of public trust anchors that libraries ship: certifi's and botocore's cacert.pem,
# Debian's ca-certificates.crt, curl's ca-bundle.crt. Their certificates are nobody's inventory.
_CA_BUNDLE = lazy(
    r"(?:ca[-_]?bundle|ca[-_]?certificates|cacerts?|ca[-_]?roots|root[-_]?certs|roots"
    r"|trusted[-_]?(?:certs|certificates|roots))(?:[-_.][\w-]{1,20})?\.(?:pem|crt|cer)",
    re.I,
)


def ca_bundle(c: Candidate) -> bool:
    """A certificate in a CA bundle file (cacert.pem, ca-certificates.crt, ca-bundle.crt): a public
    root shipped by a library, not the project's own certificate."""
    return c.rule.kind is SecretKind.CERTIFICATE and bool(_CA_BUNDLE.fullmatch(PurePosixPath(c.path).name))


# ---------------------------------------------------------------- context filters

_CONTEXTUAL_KINDS = frozenset({SecretKind.PASSWORD, SecretKind.GENERIC, SecretKind.DATABASE_CREDENTIAL})


def contextual(rule: Rule) -> bool:
    """Rules without a structural anchor, whose matches need their context judged."""
    return rule.confidence < Confidence.HIGH and rule.kind in _CONTEXTUAL_KINDS


# Source files where an unquoted right-hand side is an expression, not a literal value.
_CODE_SUFFIXES = frozenset(
    {
        ".py", ".pyi", ".pyx", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java", ".kt", ".kts",
        ".scala", ".groovy", ".gradle", ".go", ".rs", ".rb", ".php", ".cs", ".vb", ".fs", ".c", ".h",
        ".cc", ".cpp", ".hpp", ".cxx", ".m", ".mm", ".swift", ".dart", ".lua", ".pl", ".pm", ".r",
        ".jl", ".ex", ".exs", ".erl", ".clj", ".hs", ".ml", ".vue", ".svelte", ".sol",
        ".map",  # source maps: their sourcesContent is the code itself
    }
)  # fmt: skip
_QUOTES = "\"'`"
_DOTTED_NAME = lazy(r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)+")
_CODE_MARKERS = lazy(r"[()\[\]]|^(?:this|self|new|await|ctx|cfg|config|settings|options|opts|args)\b")


def code_expression(c: Candidate) -> bool:
    """Code on the right-hand side: get_password(), this.token, config.secret, os.environ[...],
    or any unquoted right-hand side of an assignment in a source file (an identifier or an
    expression there, never a literal)."""
    if not contextual(c.rule):
        return False
    if _DOTTED_NAME.fullmatch(c.secret):
        return True
    if _quoted(c) or not _after_assignment(c):
        return False
    return _is_code_file(c.path) or bool(_CODE_MARKERS.search(c.secret))


_NUMBER = lazy(r"[+-]?(?:\d+(?:[.,]\d+)*|0x[0-9a-fA-F]+)(?:[eE][+-]?\d+)?")
# A version, or a dependency's version range: 1.2.3, v2.0.1-beta.1, ^9.0.3, ~=2.31, >=1.4.x.
_VERSION = lazy(r"(?:[~^]|[<>!=~]=|[<>=])?[ \t]?[vV]?\d+(?:\.(?:\d+|[xX*])){1,3}(?:[-+.~][0-9A-Za-z.+~-]{0,40})?")
_DATE = lazy(r"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+-]{2,30}Z?)?")
_URL_NO_CREDENTIALS = lazy(r"[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s@:/]*(?::\d{1,5})?(?:[/?#]\S*)?")
_FILE_NAME = lazy(
    r"[\w.-]+\.(?:txt|pem|key|crt|cer|der|p12|pfx|jks|keystore|json|ya?ml|toml|ini|cfg|conf|env|properties"
    r"|xml|gpg|asc|pub|csv|db|sqlite|log|sh|py|js|html?)",
    re.I,
)
_EMAIL = lazy(r"[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
_IP = lazy(r"\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?")
_ARN = lazy(r"arn:[\w*-]{1,32}:[\w*-]{0,64}:[\w*-]{0,32}:[\w*-]{0,32}:\S+")
_COLOR = lazy(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")  # CSS / style colours
# A type written as a string: "List[V1ObjectReference]", "Optional[str]", "dict(str, str)".
_TYPE_NAME = lazy(r"[A-Za-z_][\w.]*(?:\[[\w. ,|\[\]]*\]|\([\w. ,|\[\]]*\))")
# Nothing but escape sequences: "\U000f0000", "\x1b", "\u2028" (a character written as code).
_ESCAPES = lazy(r"(?:\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{1,3}|[abfnrtv\\'\"]))+")
_SHAPES = (_NUMBER, _VERSION, _DATE, _URL_NO_CREDENTIALS, _FILE_NAME, _EMAIL, _IP, _ARN, _COLOR, _TYPE_NAME, _ESCAPES)
# Regular-expression syntax that no secret is written in: \w \d \s \b, (?: (?= (?! (?P< (?i), [^.
_REGEX_SYNTAX = lazy(r"\\[wdsbWDSB]|\(\?(?:[:=!]|P?<|[aiLmsux]+\))|\[\^")
# Paths: /etc/ssl/key.pem, ./secrets.json, ~/.ssh/id_rsa, C:\\keys\\a.pfx, /run/secrets/db_password.
_POSIX_PATH = lazy(r"(?:~|\.{1,2})?/[\w.@-]+(?:/[\w.@-]*)*")
_WINDOWS_PATH = lazy(r"[A-Za-z]:\\[^\s]*|\\\\[\w.-]+\\[^\s]*")
_PATH_WORD = lazy(r"(?:^|/)[a-z][a-z0-9_-]{2,}(?:/|$)|\.[a-z]{2,5}$")


def non_secret_value(c: Candidate) -> bool:
    """Values of a shape no secret has: numbers, versions and version ranges, dates, paths, file
    names, e-mail and IP addresses, URLs without credentials, AWS ARNs, colours, type names,
    escape sequences, and anything written in regular-expression syntax."""
    if not contextual(c.rule):
        return False
    s = c.secret
    return any(p.fullmatch(s) for p in _SHAPES) or _is_path(s) or bool(_REGEX_SYNTAX.search(s))


def _is_path(s: str) -> bool:
    """A file path; a base64 value that happens to start with '/' has no plain word segment."""
    if _WINDOWS_PATH.fullmatch(s):
        return True
    return bool(_POSIX_PATH.fullmatch(s)) and bool(_PATH_WORD.search(s))


_SEPARATORS = " _.:/*$@#+-?!"
_WORDS = lazy(r"[^\W\d_]+(?:[ _.:/*$@#+-]+[^\W\d_]+)*")  # letters of any script
_WORD_SEPARATORS = lazy(r"[ _.:/*$@#+-]+")
# A value that names what it stands for: "rest-of-my-password", "webdavgeneratedpassword1".
_SELF_NAMING = frozenset({"password", "passwd", "passphrase", "secret", "token", "apikey", "credential", "credentials"})
# Long enough never to occur by chance in a random value; the second set only inside one identifier
# ("V1ServiceAccountTokenProjection", "AWSAccessKeyId"), as a path such as organizations/<id>/apiKeys/<id>
# may be a rule's very format. (Not read as leetspeak: "S3cr3tP@ss2024" is how people write real passwords.)
_SELF_NAMING_INSIDE = ("password", "passwd", "secret")
_SELF_NAMING_IDENTIFIER = ("token", "apikey", "accesskey", "credential")


def word_like(c: Candidate) -> bool:
    """Words and identifiers: password = "password", token: "ACCESS_TOKEN", "mysecretpassword",
    "Content-Type", "ServiceAccount", "geheim$parole", and values that name themselves
    ("rest-of-my-password", "SomeKindOfPassword123", "AWSAccessKeyId"). Otherwise
    letters only, each word in natural case (lower, UPPER, Capitalised or camelCase), with whole
    numbers between spaces ("RFC 2518"); random letters mix case inside a word and are kept."""
    if not contextual(c.rule):
        return False
    value = c.secret.strip(_SEPARATORS)
    words = [w.lower() for w in _TOKEN_SPLIT.split(value) if w]
    if len(words) > 1 and _SELF_NAMING.intersection(words) and all(w.isalpha() for w in words):
        return True
    low = value.lower()
    if any(word in low for word in _SELF_NAMING_INSIDE):
        return True
    if value.isalnum() and any(word in low for word in _SELF_NAMING_IDENTIFIER):
        return True
    return _natural_words(value) or _words_and_numbers(value)


def _words_and_numbers(value: str) -> bool:
    """Prose with numbers between spaces: "RFC 2518", "Windows 10 Pro" (a word each, in natural case)."""
    parts = value.split()
    if len(parts) < 2 or all(p.isdigit() for p in parts):
        return False
    return all((p.isdigit() and len(p) <= 6) or _natural_words(p) for p in parts)


def _natural_words(text: str) -> bool:
    return bool(_WORDS.fullmatch(text)) and all(_natural(w) for w in _WORD_SEPARATORS.split(text))


def _natural(word: str) -> bool:
    """lower, UPPER, uncased (a script without case), Capitalised, camelCase or PascalCase:
    every capital after the first opens a hump of small letters, the first hump has two."""
    if word.islower() or word.isupper() or word.lower() == word.upper():
        return True
    i = 1 if word[0].isupper() else 0
    start = i
    while i < len(word) and not word[i].isupper():
        i += 1
    if i - start < 2:
        return False
    while i < len(word):  # word[i] is a capital
        i += 1
        hump = i
        while i < len(word) and not word[i].isupper():
            i += 1
        if i == hump:
            return False  # two capitals in a row, or a capital at the end
    return True


_PASSWORD_HASH = lazy(
    r"\$(?:2[abxy]?|1|5|6|y|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?|apr1)\$\S{8,}"
    r"|(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|sha1|md5)\$\S{8,}"
    r"|\{(?:SSHA|SHA|SSHA256|SSHA512|MD5|SMD5|CRYPT|PBKDF2[\w-]*)\}\S{8,}"
)


def password_hash(c: Candidate) -> bool:
    """Password hashes (bcrypt, crypt(3), Django, LDAP {SSHA}): a digest, not the password."""
    return contextual(c.rule) and bool(_PASSWORD_HASH.fullmatch(c.secret))


# Words in a key name that say its value is not a live secret (or not a secret at all).
_NON_SECRET_KEY_WORDS = frozenset(
    {
        "csrf", "xsrf", "page", "next", "prev", "previous", "continuation", "cursor", "sync", "resume",
        "cancel", "cancellation", "idempotency", "device", "push", "fcm", "apns", "pagination", "marker",
        "hashed", "hash", "encrypted", "masked", "dummy", "fake", "mock", "example", "sample",
        "placeholder", "expected", "invalid", "wrong", "bad", "empty", "no", "null", "verification",
        "spec",  # KeySpec / CustomerMasterKeySpec: RSA_4096 names a key's kind, not a key
    }
)  # fmt: skip
# Words that make a *token* an identifier rather than a credential: AWS's ClientToken and
# ClientRequestToken (idempotency), ChangeToken, paginators' input_token / output_token...
_NON_SECRET_TOKEN_WORDS = frozenset(
    {
        "client", "request", "creation", "change", "purchase", "registration", "input", "output", "copy",
        "grant", "update", "import", "export", "upload", "pagination", "batch",
        # a tokenizer's vocabulary tokens: unk_token = "[UNK]", image_token = "<image>", _token_end
        "unk", "bos", "eos", "pad", "sep", "cls", "mask", "image", "audio", "video", "vision", "special",
        "control", "start", "end", "vocab",
    }
)  # fmt: skip
_KEY_TAIL = lazy(r"[\w.$:-]{1,80}$")
_KEY_WORDS = lazy(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def key_name(c: Candidate) -> bool:
    """The key a value is assigned to says it is no secret: csrf_token, next_page_token,
    hashed_password, fake_api_key, wrong_password, ClientToken, AWS::IAM::AccessKey."""
    if not contextual(c.rule):
        return False
    key = assigned_key(c)
    if "::" in key:
        return True  # a type name: "AWS::ApiGateway::ApiKey": "48205d4f..."
    words = {w.lower() for w in _KEY_WORDS.findall(key)}
    if words & _NON_SECRET_KEY_WORDS:
        return True
    return "token" in words and bool(words & _NON_SECRET_TOKEN_WORDS)


def assigned_key(c: Candidate) -> str:
    """The name left of the value on its line: ``db_password`` in ``db_password = "..."``,
    ``password`` in ``"password": "..."``, ``<password>...`` and ``<add key="password" value="...">``;
    '' when there is none."""
    before = _before(c, 120)
    if before[-1:] in tuple(_QUOTES):
        before = before[:-1]
        if before[-1:] in ("b", "r", "u", "B", "R", "U") and not before[-2:-1].isalnum():
            before = before[:-1]  # a string prefix: b"..." r'...'
    stripped = before.rstrip(":=>, \t")
    if stripped[-5:].lower() == "value" and stripped[-6:-5] in (" ", "\t"):
        stripped = stripped[:-5].rstrip(" \t:=")  # <add key="x" value="...">: the key attribute
    stripped = stripped.rstrip(" \t" + _QUOTES + "]<>")
    match = _KEY_TAIL.search(stripped)
    return match.group(0) if match else ""


def partial_literal(c: Candidate) -> bool:
    """The value is only the start of a longer quoted literal: the rule's charset stopped at a
    space or a quote of another kind before the literal closed, as in
    ``token = 'variable|default:"Default value"'`` (prose or an expression, and never the
    whole of what is assigned)."""
    if not contextual(c.rule) or c.column <= 0 or not c.line.startswith(c.secret, c.column):
        return False
    opener = c.line[c.column - 1]
    end = c.column + len(c.secret)
    if opener not in _QUOTES or end >= len(c.line):
        return False
    return c.line[end] != opener and c.line[end] != "\\"


def _before(c: Candidate, size: int) -> str:
    """Up to ``size`` characters of the line left of the value ('' when the column is unknown)."""
    if c.column <= 0:
        return ""
    return c.line[max(0, c.column - size) : c.column]


_TEMPLATE_SUFFIXES = frozenset({".example", ".sample", ".template", ".tmpl", ".tpl", ".dist", ".skel"})
_SAMPLE_DIRS = frozenset({"example", "examples", "sample", "samples"})


def sample_file(c: Candidate) -> bool:
    """Files meant to hold stand-ins: templates (.env.example, config.yml.sample, settings.php.dist),
    anything under an examples/ or samples/ directory, and files whose name says they hold
    examples (kms.examples.json, examples-1.json, config_sample.yaml; not a bare example.txt).
    Applies to every rule below high confidence (a key name plus a charset is not proof enough
    in a file made of samples)."""
    if c.rule.confidence >= Confidence.HIGH:
        return False
    path = PurePosixPath(c.path.replace("\\", "/"))
    if path.suffix.lower() in _TEMPLATE_SUFFIXES:
        return True
    if any(part.lower() in _SAMPLE_DIRS for part in path.parts[:-1]):
        return True
    words = [w for w in _TOKEN_SPLIT.split(path.stem.lower()) if w]
    plural = any(w in ("examples", "samples") for w in words)
    return plural or (len(words) > 1 and bool(_SAMPLE_DIRS.intersection(words)))


def _quoted(c: Candidate) -> bool:
    return _before(c, 1) in tuple(_QUOTES)


def _after_assignment(c: Candidate) -> bool:
    """The value directly follows an assignment: ``x = v``, ``x := v``, ``x => v``, ``x: v``.
    (Not ``user:pass@`` in a URI: a colon counts only when followed by a space.)"""
    before = _before(c, 8)
    stripped = before.rstrip(" \t")
    if stripped.endswith("="):
        return True
    return stripped.endswith(":") and len(stripped) < len(before)


def _is_code_file(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in _CODE_SUFFIXES


FILTERS: dict[str, Filter] = {
    # value filters: every rule
    "placeholder": placeholder,
    "template": template,
    "documented_example": documented_example,
    "repeated_or_sequential": repeated_or_sequential,
    "uuid": uuid,
    "hex_hash": hex_hash,
    "lockfile_integrity": lockfile_integrity,
    "base58check": base58check,
    "jwt_without_claims": jwt_without_claims,
    "ca_bundle": ca_bundle,
    # context filters: contextual rules only (see ``contextual``)
    "code_expression": code_expression,
    "non_secret_value": non_secret_value,
    "word_like": word_like,
    "password_hash": password_hash,
    "key_name": key_name,
    "partial_literal": partial_literal,
    "sample_file": sample_file,
}


def rejecting_filter(c: Candidate) -> str | None:
    """The name of the first filter that rejects the candidate, or None."""
    for name, predicate in FILTERS.items():
        if name not in c.rule.skip_filters and predicate(c):
            return name
    return None
