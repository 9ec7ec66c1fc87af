"""Texts of the integration snippets (snippets.py fills __PATH__, __KEY__, __ROLE__, __ENV_VAR__,
__AUTH__). Plain data: one template per (backend, language)."""

from __future__ import annotations

from secretscan.remediation.model import Backend

VAULT_PYTHON = '''"""Read secrets from Vault / OpenBao with retry and caching (secretscan plan snippet).

    pip install hvac

Configuration: VAULT_ADDR; in Kubernetes VAULT_ROLE (default "__ROLE__") and the pod's service
account token; elsewhere VAULT_TOKEN (local development only, never a long-lived token in prod).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import hvac
import hvac.exceptions
import requests

SA_TOKEN = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")
TRANSIENT = (
    hvac.exceptions.VaultDown,
    hvac.exceptions.InternalServerError,
    hvac.exceptions.BadGateway,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
)
T = TypeVar("T")


class SecretReader:
    """get() for KV v2 values, credentials() for dynamic ones; thread-safe."""

    def __init__(self, addr: str | None = None, role: str | None = None, mount: str = "secret",
                 ttl: float = 300.0, attempts: int = 5) -> None:
        self._client = hvac.Client(url=addr or os.environ["VAULT_ADDR"], timeout=5)
        self._role = role or os.environ.get("VAULT_ROLE", "__ROLE__")
        self._mount, self._ttl, self._attempts = mount, ttl, attempts
        self._cache: dict[tuple[str, str], tuple[float, Any]] = {}
        self._token_expires = 0.0
        self._lock = threading.Lock()

    def get(self, path: str, key: str = "value") -> str:
        """A value from KV v2, cached for ``ttl`` seconds."""
        return self._cached((path, key), lambda: (self._ttl, self._read_kv(path)[key]))

    def credentials(self, path: str) -> dict[str, str]:
        """A dynamic credential (e.g. database/creds/ROLE), cached for two thirds of its lease."""
        def read() -> tuple[float, Any]:
            answer = self._client.read(path)
            return answer["lease_duration"] * 2 / 3, dict(answer["data"])
        return self._cached((path, ""), read)

    def _cached(self, key: tuple[str, str], load: Callable[[], tuple[float, Any]]) -> Any:
        with self._lock:
            hit = self._cache.get(key)
            if hit and hit[0] > time.monotonic():
                return hit[1]
            ttl, value = self._retry(lambda: (self._login(), load())[1])
            self._cache[key] = (time.monotonic() + ttl, value)
            return value

    def _read_kv(self, path: str) -> dict[str, Any]:
        answer = self._client.secrets.kv.v2.read_secret_version(path=path, mount_point=self._mount, raise_on_deleted_version=True)
        return answer["data"]["data"]

    def _login(self) -> None:
        if time.monotonic() < self._token_expires:
            return
        if SA_TOKEN.exists():
            answer = self._client.auth.kubernetes.login(role=self._role, jwt=SA_TOKEN.read_text().strip())
            self._token_expires = time.monotonic() + answer["auth"]["lease_duration"] * 0.8
        else:
            self._client.token = os.environ["VAULT_TOKEN"]
            self._token_expires = float("inf")

    def _retry(self, call: Callable[[], T]) -> T:
        for attempt in range(self._attempts):
            try:
                return call()
            except hvac.exceptions.Forbidden:
                if attempt or not SA_TOKEN.exists():
                    raise
                self._token_expires = 0.0  # token expired or revoked: log in again once
            except TRANSIENT:
                if attempt == self._attempts - 1:
                    raise
                time.sleep(min(8.0, 0.2 * 2**attempt) * random.uniform(0.5, 1.0))
        raise RuntimeError("unreachable")


if __name__ == "__main__":
    value = SecretReader().get("__PATH__", "__KEY__")
    print("__ENV_VAR__ read:", len(value), "characters")  # never print the value
'''

VAULT_GO = """// Read secrets from Vault / OpenBao with retry and caching (secretscan plan snippet).
//
//	go get github.com/hashicorp/vault/api github.com/hashicorp/vault/api/auth/kubernetes
//
// Configuration: VAULT_ADDR; in Kubernetes VAULT_ROLE (default "__ROLE__") and the pod's service
// account token; elsewhere VAULT_TOKEN (local development only).
package secrets

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	vault "github.com/hashicorp/vault/api"
	auth "github.com/hashicorp/vault/api/auth/kubernetes"
)

const saToken = "/var/run/secrets/kubernetes.io/serviceaccount/token"

type entry struct {
	value   string
	expires time.Time
}

// Reader reads KV v2 values and caches them for TTL. Safe for concurrent use.
type Reader struct {
	client *vault.Client
	mount  string
	ttl    time.Duration
	mu     sync.Mutex
	cache  map[string]entry
}

// New logs in with the pod's service account (or uses VAULT_TOKEN outside Kubernetes) and keeps
// the token renewed in the background.
func New(ctx context.Context) (*Reader, error) {
	cfg := vault.DefaultConfig() // reads VAULT_ADDR
	cfg.MaxRetries = 5           // retries 5xx answers and connection errors with backoff
	cfg.Timeout = 5 * time.Second
	client, err := vault.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(saToken); err == nil {
		role := os.Getenv("VAULT_ROLE")
		if role == "" {
			role = "__ROLE__"
		}
		method, err := auth.NewKubernetesAuth(role)
		if err != nil {
			return nil, err
		}
		secret, err := client.Auth().Login(ctx, method)
		if err != nil {
			return nil, fmt.Errorf("vault login: %w", err)
		}
		watcher, err := client.NewLifetimeWatcher(&vault.LifetimeWatcherInput{Secret: secret})
		if err != nil {
			return nil, err
		}
		go watcher.Start() // renews until the max TTL; re-create the Reader when DoneCh fires
	}
	return &Reader{client: client, mount: "secret", ttl: 5 * time.Minute, cache: map[string]entry{}}, nil
}

// Get returns key from the KV v2 secret at path, from the cache while it is fresh.
func (r *Reader) Get(ctx context.Context, path, key string) (string, error) {
	id := path + "#" + key
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.cache[id]; ok && time.Now().Before(e.expires) {
		return e.value, nil
	}
	secret, err := r.client.KVv2(r.mount).Get(ctx, path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	value, ok := secret.Data[key].(string)
	if !ok {
		return "", fmt.Errorf("%s has no string key %q", path, key)
	}
	r.cache[id] = entry{value, time.Now().Add(r.ttl)}
	return value, nil
}

// Example: value, err := reader.Get(ctx, "__PATH__", "__KEY__") // __ENV_VAR__
"""

VAULT_NODE = """// Read secrets from Vault / OpenBao with retry and caching (secretscan plan snippet).
// Node.js 18+ (global fetch), no dependencies.
// Configuration: VAULT_ADDR; in Kubernetes VAULT_ROLE (default "__ROLE__") and the pod's service
// account token; elsewhere VAULT_TOKEN (local development only).
'use strict';
const fs = require('node:fs');

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class SecretReader {
  constructor({ addr = process.env.VAULT_ADDR, role = process.env.VAULT_ROLE || '__ROLE__',
                mount = 'secret', ttlMs = 300000, attempts = 5 } = {}) {
    this.addr = addr.replace(/\\/$/, '');
    Object.assign(this, { role, mount, ttlMs, attempts });
    this.cache = new Map();
    this.token = null;
    this.tokenExpires = 0;
  }

  // A KV v2 value, cached for ttlMs.
  async get(path, key = 'value') {
    return this.#cached(`${path}#${key}`, async () => {
      const body = await this.#request('GET', `/v1/${this.mount}/data/${path}`);
      return [this.ttlMs, body.data.data[key]];
    });
  }

  // A dynamic credential (e.g. database/creds/ROLE), cached for two thirds of its lease.
  async credentials(path) {
    return this.#cached(path, async () => {
      const body = await this.#request('GET', `/v1/${path}`);
      return [body.lease_duration * 1000 * 2 / 3, body.data];
    });
  }

  async #cached(id, load) {
    const hit = this.cache.get(id);
    if (hit && hit.expires > Date.now()) return hit.value;
    const [ttl, value] = await load();
    this.cache.set(id, { value, expires: Date.now() + ttl });
    return value;
  }

  async #login() {
    if (this.token && Date.now() < this.tokenExpires) return this.token;
    if (!fs.existsSync(SA_TOKEN)) {
      this.token = process.env.VAULT_TOKEN;
      this.tokenExpires = Infinity;
      return this.token;
    }
    const jwt = fs.readFileSync(SA_TOKEN, 'utf8').trim();
    const body = await this.#send('POST', '/v1/auth/__AUTH__/login', null, { role: this.role, jwt });
    this.token = body.auth.client_token;
    this.tokenExpires = Date.now() + body.auth.lease_duration * 800;
    return this.token;
  }

  async #request(method, path) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#send(method, path, await this.#login());
      } catch (err) {
        if (err.status === 403 && attempt === 0 && fs.existsSync(SA_TOKEN)) {
          this.tokenExpires = 0; // token expired or revoked: log in again once
          continue;
        }
        const transient = err.status === undefined || err.status >= 500;
        if (!transient || attempt >= this.attempts - 1) throw err;
        await sleep(Math.min(8000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
  }

  async #send(method, path, token, payload) {
    const res = await fetch(this.addr + path, {
      method,
      headers: { ...(token ? { 'X-Vault-Token': token } : {}), 'Content-Type': 'application/json' },
      body: payload ? JSON.stringify(payload) : undefined,
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) {
      const err = new Error(`vault ${method} ${path}: HTTP ${res.status}`);
      err.status = res.status;
      throw err;
    }
    return res.json();
  }
}

module.exports = { SecretReader };

if (require.main === module) {
  new SecretReader().get('__PATH__', '__KEY__')
    .then((value) => console.log(`__ENV_VAR__ read: ${value.length} characters`)); // never print the value
}
"""

VAULT_JAVA = """// Read secrets from Vault / OpenBao with retry and caching (secretscan plan snippet).
// Java 17+, com.fasterxml.jackson.core:jackson-databind for JSON.
// Configuration: VAULT_ADDR; in Kubernetes VAULT_ROLE (default "__ROLE__") and the pod's service
// account token; elsewhere VAULT_TOKEN (local development only).
// Spring Boot services can use Spring Cloud Vault instead (spring.cloud.vault.authentication=KUBERNETES).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

public final class SecretsClient {
    private static final Path SA_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
    private record Entry(String value, Instant expires) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final String addr = System.getenv("VAULT_ADDR").replaceAll("/$", "");
    private final String role = System.getenv().getOrDefault("VAULT_ROLE", "__ROLE__");
    private final Duration ttl = Duration.ofMinutes(5);
    private final int attempts = 5;
    private String token;
    private Instant tokenExpires = Instant.MIN;

    /** A KV v2 value, cached for five minutes. */
    public String get(String path, String key) throws IOException, InterruptedException {
        String id = path + "#" + key;
        Entry hit = cache.get(id);
        if (hit != null && hit.expires().isAfter(Instant.now())) {
            return hit.value();
        }
        JsonNode body = request("/v1/secret/data/" + path, null);
        String value = body.path("data").path("data").path(key).asText();
        cache.put(id, new Entry(value, Instant.now().plus(ttl)));
        return value;
    }

    private synchronized String token() throws IOException, InterruptedException {
        if (token != null && Instant.now().isBefore(tokenExpires)) {
            return token;
        }
        if (!Files.exists(SA_TOKEN)) {
            token = System.getenv("VAULT_TOKEN");
            tokenExpires = Instant.MAX;
            return token;
        }
        String jwt = Files.readString(SA_TOKEN).strip();
        String login = json.writeValueAsString(Map.of("role", role, "jwt", jwt));
        JsonNode auth = send("/v1/auth/__AUTH__/login", null, login).path("auth");
        token = auth.path("client_token").asText();
        tokenExpires = Instant.now().plusSeconds(auth.path("lease_duration").asLong() * 8 / 10);
        return token;
    }

    private JsonNode request(String path, String payload) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return send(path, token(), payload);
            } catch (VaultException e) {
                if (e.status == 403 && attempt == 0 && Files.exists(SA_TOKEN)) {
                    tokenExpires = Instant.MIN; // token expired or revoked: log in again once
                    continue;
                }
                if (e.status < 500 || attempt >= attempts - 1) {
                    throw e;
                }
            } catch (IOException e) {
                if (attempt >= attempts - 1) {
                    throw e;
                }
            }
            long backoff = Math.min(8000, 200L << attempt);
            Thread.sleep((long) (backoff * ThreadLocalRandom.current().nextDouble(0.5, 1.0)));
        }
    }

    private JsonNode send(String path, String vaultToken, String payload) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(addr + path)).timeout(Duration.ofSeconds(5));
        if (vaultToken != null) {
            req.header("X-Vault-Token", vaultToken);
        }
        req = payload == null ? req.GET() : req.POST(HttpRequest.BodyPublishers.ofString(payload));
        HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() >= 300) {
            throw new VaultException(res.statusCode(), "vault " + path + ": HTTP " + res.statusCode());
        }
        return json.readTree(res.body());
    }

    static final class VaultException extends IOException {
        final int status;

        VaultException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    public static void main(String[] args) throws Exception {
        String value = new SecretsClient().get("__PATH__", "__KEY__");
        System.out.println("__ENV_VAR__ read: " + value.length() + " characters"); // never print the value
    }
}
"""

AWS_PYTHON = '''"""Read secrets from AWS Secrets Manager with retry and caching (secretscan plan snippet).

    pip install boto3

Credentials come from the workload's role (IRSA / Pod Identity / instance role), never a key.
"""

from __future__ import annotations

import threading
import time

import boto3
from botocore.config import Config

_client = boto3.client("secretsmanager", config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=5))
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def get(name: str, ttl: float = 300.0) -> str:
    """The secret's current value (AWSCURRENT), cached for ``ttl`` seconds."""
    with _lock:
        hit = _cache.get(name)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        value = _client.get_secret_value(SecretId=name)["SecretString"]
        _cache[name] = (time.monotonic() + ttl, value)
        return value


if __name__ == "__main__":
    print("__ENV_VAR__ read:", len(get("__PATH__")), "characters")  # never print the value
'''

AWS_GO = """// Read secrets from AWS Secrets Manager with retry and caching (secretscan plan snippet).
//
//	go get github.com/aws/aws-sdk-go-v2/config github.com/aws/aws-sdk-go-v2/service/secretsmanager
//
// Credentials come from the workload's role (IRSA / Pod Identity / instance role), never a key.
package secrets

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

type entry struct {
	value   string
	expires time.Time
}

type Reader struct {
	client *secretsmanager.Client
	ttl    time.Duration
	mu     sync.Mutex
	cache  map[string]entry
}

func New(ctx context.Context) (*Reader, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryer(func() aws.Retryer {
		return retry.AddWithMaxAttempts(retry.NewStandard(), 5) // backoff with jitter on throttling and 5xx
	}))
	if err != nil {
		return nil, err
	}
	return &Reader{client: secretsmanager.NewFromConfig(cfg), ttl: 5 * time.Minute, cache: map[string]entry{}}, nil
}

// Get returns the secret's current value, from the cache while it is fresh.
func (r *Reader) Get(ctx context.Context, name string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.cache[name]; ok && time.Now().Before(e.expires) {
		return e.value, nil
	}
	out, err := r.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)})
	if err != nil {
		return "", err
	}
	r.cache[name] = entry{aws.ToString(out.SecretString), time.Now().Add(r.ttl)}
	return aws.ToString(out.SecretString), nil
}

// Example: value, err := reader.Get(ctx, "__PATH__") // __ENV_VAR__
"""

AWS_NODE = """// Read secrets from AWS Secrets Manager with retry and caching (secretscan plan snippet).
//   npm install @aws-sdk/client-secrets-manager
// Credentials come from the workload's role (IRSA / Pod Identity / instance role), never a key.
'use strict';
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');

const client = new SecretsManagerClient({ maxAttempts: 5, retryMode: 'standard' }); // backoff with jitter
const cache = new Map();

async function get(name, ttlMs = 300000) {
  const hit = cache.get(name);
  if (hit && hit.expires > Date.now()) return hit.value;
  const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
  cache.set(name, { value: out.SecretString, expires: Date.now() + ttlMs });
  return out.SecretString;
}

module.exports = { get };

if (require.main === module) {
  get('__PATH__').then((v) => console.log(`__ENV_VAR__ read: ${v.length} characters`)); // never print the value
}
"""

AWS_JAVA = """// Read secrets from AWS Secrets Manager with retry and caching (secretscan plan snippet).
// software.amazon.awssdk:secretsmanager (SDK v2). Credentials come from the workload's role.
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

public final class SecretsClient {
    private record Entry(String value, Instant expires) {}

    private final SecretsManagerClient client = SecretsManagerClient.builder()
            .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryMode.STANDARD).build())
            .build();
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Duration ttl = Duration.ofMinutes(5);

    public String get(String name) {
        Entry hit = cache.get(name);
        if (hit != null && hit.expires().isAfter(Instant.now())) {
            return hit.value();
        }
        String value = client.getSecretValue(GetSecretValueRequest.builder().secretId(name).build()).secretString();
        cache.put(name, new Entry(value, Instant.now().plus(ttl)));
        return value;
    }

    public static void main(String[] args) {
        System.out.println("__ENV_VAR__ read: " + new SecretsClient().get("__PATH__").length() + " characters");
    }
}
"""

AZURE_PYTHON = '''"""Read secrets from Azure Key Vault with retry and caching (secretscan plan snippet).

    pip install azure-identity azure-keyvault-secrets

AZURE_KEYVAULT_URL=https://<vault>.vault.azure.net; credentials from Workload Identity / managed identity.
"""

from __future__ import annotations

import os
import threading
import time

from azure.identity import DefaultAzureCredential
from azure.keyvault.secrets import SecretClient

_client = SecretClient(os.environ["AZURE_KEYVAULT_URL"], DefaultAzureCredential(),
                       retry_total=5, retry_backoff_factor=0.4)  # exponential backoff
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def get(name: str, ttl: float = 300.0) -> str:
    with _lock:
        hit = _cache.get(name)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        value = _client.get_secret(name).value or ""
        _cache[name] = (time.monotonic() + ttl, value)
        return value


if __name__ == "__main__":
    print("__ENV_VAR__ read:", len(get("__PATH__")), "characters")  # never print the value
'''

AZURE_GO = """// Read secrets from Azure Key Vault with retry and caching (secretscan plan snippet).
//
//	go get github.com/Azure/azure-sdk-for-go/sdk/azidentity github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets
//
// AZURE_KEYVAULT_URL=https://<vault>.vault.azure.net; credentials from Workload Identity.
package secrets

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

type entry struct {
	value   string
	expires time.Time
}

type Reader struct {
	client *azsecrets.Client
	ttl    time.Duration
	mu     sync.Mutex
	cache  map[string]entry
}

func New() (*Reader, error) {
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return nil, err
	}
	opts := &azsecrets.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: 5}}}
	client, err := azsecrets.NewClient(os.Getenv("AZURE_KEYVAULT_URL"), cred, opts)
	if err != nil {
		return nil, err
	}
	return &Reader{client: client, ttl: 5 * time.Minute, cache: map[string]entry{}}, nil
}

func (r *Reader) Get(ctx context.Context, name string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.cache[name]; ok && time.Now().Before(e.expires) {
		return e.value, nil
	}
	resp, err := r.client.GetSecret(ctx, name, "", nil) // "" = latest version
	if err != nil {
		return "", err
	}
	r.cache[name] = entry{*resp.Value, time.Now().Add(r.ttl)}
	return *resp.Value, nil
}

// Example: value, err := reader.Get(ctx, "__PATH__") // __ENV_VAR__
"""

AZURE_NODE = """// Read secrets from Azure Key Vault with retry and caching (secretscan plan snippet).
//   npm install @azure/identity @azure/keyvault-secrets
// AZURE_KEYVAULT_URL=https://<vault>.vault.azure.net; credentials from Workload Identity.
'use strict';
const { DefaultAzureCredential } = require('@azure/identity');
const { SecretClient } = require('@azure/keyvault-secrets');

const client = new SecretClient(process.env.AZURE_KEYVAULT_URL, new DefaultAzureCredential(),
  { retryOptions: { maxRetries: 5 } }); // exponential backoff
const cache = new Map();

async function get(name, ttlMs = 300000) {
  const hit = cache.get(name);
  if (hit && hit.expires > Date.now()) return hit.value;
  const secret = await client.getSecret(name);
  cache.set(name, { value: secret.value, expires: Date.now() + ttlMs });
  return secret.value;
}

module.exports = { get };

if (require.main === module) {
  get('__PATH__').then((v) => console.log(`__ENV_VAR__ read: ${v.length} characters`)); // never print the value
}
"""

AZURE_JAVA = """// Read secrets from Azure Key Vault with retry and caching (secretscan plan snippet).
// com.azure:azure-identity, com.azure:azure-security-keyvault-secrets.
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

public final class SecretsClient {
    private record Entry(String value, Instant expires) {}

    private final SecretClient client = new SecretClientBuilder()
            .vaultUrl(System.getenv("AZURE_KEYVAULT_URL"))
            .credential(new DefaultAzureCredentialBuilder().build())
            .retryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(5)))
            .buildClient();
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Duration ttl = Duration.ofMinutes(5);

    public String get(String name) {
        Entry hit = cache.get(name);
        if (hit != null && hit.expires().isAfter(Instant.now())) {
            return hit.value();
        }
        String value = client.getSecret(name).getValue();
        cache.put(name, new Entry(value, Instant.now().plus(ttl)));
        return value;
    }

    public static void main(String[] args) {
        System.out.println("__ENV_VAR__ read: " + new SecretsClient().get("__PATH__").length() + " characters");
    }
}
"""

GCP_PYTHON = '''"""Read secrets from Google Secret Manager with retry and caching (secretscan plan snippet).

    pip install google-cloud-secret-manager

GOOGLE_CLOUD_PROJECT names the project; credentials from GKE Workload Identity.
"""

from __future__ import annotations

import os
import threading
import time

from google.api_core.retry import Retry
from google.cloud import secretmanager

_client = secretmanager.SecretManagerServiceClient()
_retry = Retry(initial=0.2, maximum=8.0, multiplier=2.0, timeout=30.0)  # transient errors, with jitter
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def get(secret_id: str, ttl: float = 300.0) -> str:
    name = f"projects/{os.environ['GOOGLE_CLOUD_PROJECT']}/secrets/{secret_id}/versions/latest"
    with _lock:
        hit = _cache.get(name)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        value = _client.access_secret_version(request={"name": name}, retry=_retry).payload.data.decode("utf-8")
        _cache[name] = (time.monotonic() + ttl, value)
        return value


if __name__ == "__main__":
    print("__ENV_VAR__ read:", len(get("__PATH__")), "characters")  # never print the value
'''

GCP_GO = """// Read secrets from Google Secret Manager with retry and caching (secretscan plan snippet).
//
//	go get cloud.google.com/go/secretmanager
//
// GOOGLE_CLOUD_PROJECT names the project; credentials from GKE Workload Identity.
package secrets

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
)

type entry struct {
	value   string
	expires time.Time
}

// Reader caches values for TTL; the client library retries transient errors with backoff.
type Reader struct {
	client *secretmanager.Client
	ttl    time.Duration
	mu     sync.Mutex
	cache  map[string]entry
}

func New(ctx context.Context) (*Reader, error) {
	client, err := secretmanager.NewClient(ctx)
	if err != nil {
		return nil, err
	}
	return &Reader{client: client, ttl: 5 * time.Minute, cache: map[string]entry{}}, nil
}

func (r *Reader) Get(ctx context.Context, id string) (string, error) {
	name := fmt.Sprintf("projects/%s/secrets/%s/versions/latest", os.Getenv("GOOGLE_CLOUD_PROJECT"), id)
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.cache[name]; ok && time.Now().Before(e.expires) {
		return e.value, nil
	}
	resp, err := r.client.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: name})
	if err != nil {
		return "", err
	}
	value := string(resp.Payload.Data)
	r.cache[name] = entry{value, time.Now().Add(r.ttl)}
	return value, nil
}

// Example: value, err := reader.Get(ctx, "__PATH__") // __ENV_VAR__
"""

GCP_NODE = """// Read secrets from Google Secret Manager with retry and caching (secretscan plan snippet).
//   npm install @google-cloud/secret-manager
// GOOGLE_CLOUD_PROJECT names the project; credentials from GKE Workload Identity.
'use strict';
const { SecretManagerServiceClient } = require('@google-cloud/secret-manager');

const client = new SecretManagerServiceClient(); // retries transient errors with backoff
const cache = new Map();

async function get(id, ttlMs = 300000) {
  const name = `projects/${process.env.GOOGLE_CLOUD_PROJECT}/secrets/${id}/versions/latest`;
  const hit = cache.get(name);
  if (hit && hit.expires > Date.now()) return hit.value;
  const [version] = await client.accessSecretVersion({ name });
  const value = version.payload.data.toString('utf8');
  cache.set(name, { value, expires: Date.now() + ttlMs });
  return value;
}

module.exports = { get };

if (require.main === module) {
  get('__PATH__').then((v) => console.log(`__ENV_VAR__ read: ${v.length} characters`)); // never print the value
}
"""

GCP_JAVA = """// Read secrets from Google Secret Manager with retry and caching (secretscan plan snippet).
// com.google.cloud:google-cloud-secretmanager (retries transient errors with backoff).
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretVersionName;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

public final class SecretsClient implements AutoCloseable {
    private record Entry(String value, Instant expires) {}

    private final SecretManagerServiceClient client;
    private final String project = System.getenv("GOOGLE_CLOUD_PROJECT");
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Duration ttl = Duration.ofMinutes(5);

    public SecretsClient() throws IOException {
        client = SecretManagerServiceClient.create();
    }

    public String get(String id) {
        Entry hit = cache.get(id);
        if (hit != null && hit.expires().isAfter(Instant.now())) {
            return hit.value();
        }
        String value = client.accessSecretVersion(SecretVersionName.of(project, id, "latest")).getPayload().getData().toStringUtf8();
        cache.put(id, new Entry(value, Instant.now().plus(ttl)));
        return value;
    }

    @Override
    public void close() {
        client.close();
    }

    public static void main(String[] args) throws IOException {
        try (SecretsClient c = new SecretsClient()) {
            System.out.println("__ENV_VAR__ read: " + c.get("__PATH__").length() + " characters");
        }
    }
}
"""

TEXTS: dict[tuple[Backend, str], str] = {
    (Backend.VAULT, "python"): VAULT_PYTHON,
    (Backend.VAULT, "go"): VAULT_GO,
    (Backend.VAULT, "node"): VAULT_NODE,
    (Backend.VAULT, "java"): VAULT_JAVA,
    (Backend.AWS, "python"): AWS_PYTHON,
    (Backend.AWS, "go"): AWS_GO,
    (Backend.AWS, "node"): AWS_NODE,
    (Backend.AWS, "java"): AWS_JAVA,
    (Backend.AZURE, "python"): AZURE_PYTHON,
    (Backend.AZURE, "go"): AZURE_GO,
    (Backend.AZURE, "node"): AZURE_NODE,
    (Backend.AZURE, "java"): AZURE_JAVA,
    (Backend.GCP, "python"): GCP_PYTHON,
    (Backend.GCP, "go"): GCP_GO,
    (Backend.GCP, "node"): GCP_NODE,
    (Backend.GCP, "java"): GCP_JAVA,
}
