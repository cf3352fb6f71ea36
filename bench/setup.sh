#!/usr/bin/env bash
# Installs what the benchmark needs: berthd's dependencies and, as the reference engine, Debian's
# docker.io (dockerd 20.10). The package's service is not started: the bench runs its own dockerd
# with its own roots and socket. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! command -v dockerd >/dev/null 2>&1; then
  # Keep the package's init scripts from starting a system dockerd during the install.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
