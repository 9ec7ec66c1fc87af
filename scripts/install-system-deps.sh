#!/usr/bin/env bash
# System packages the test suite needs, from Debian's archive: Chromium, for the browser test of
# the HTML inventory report (tests/report/test_inventory_html.py). Idempotent: it does nothing
# when /usr/bin/chromium is already there. Needs root (CI runs as root) or sudo.
set -euo pipefail

# PostgreSQL (Debian's `postgresql`): the remediation plan tests apply the Vault database
# secrets engine configuration to a throwaway cluster (tests/remediation/); its binaries live in
# /usr/lib/postgresql/<version>/bin. Only what is missing is installed.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# age: the plan's .sops.yaml is tested by encrypting and decrypting with a real age key
# (tests/remediation/test_sops.py). kubectl (Debian's kubernetes-client): the plan's workload
# patches are applied offline with `kubectl patch --local` (tests/remediation/test_k8s_patch.py).
command -v age-keygen >/dev/null 2>&1 || missing+=(age)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get)
# apt verifies signatures as the unprivileged _apt user; where that user cannot work (seen on
# sandboxes whose /dev/null is not writable by it), run apt's helpers as root instead.
if ! $sudo "${apt[@]}" update -q; then
    apt=(apt-get -o APT::Sandbox::User=root)
    $sudo "${apt[@]}" update -q
fi
$sudo "${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"
/usr/bin/chromium --version
