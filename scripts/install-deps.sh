#!/usr/bin/env bash
# Installs what berthd and its tests need on a fresh Debian machine (run as root), then builds.
# Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v containerd >/dev/null 2>&1 || need+=(containerd)
command -v runc >/dev/null 2>&1 || need+=(runc)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
# tini-static is the init binary for --init (bound into containers as /sbin/docker-init, like dockerd's)
[ -x /usr/bin/tini-static ] || need+=(tini)
command -v mkfifo >/dev/null 2>&1 || need+=(coreutils)
# `docker top` runs the host's ps
command -v ps >/dev/null 2>&1 || need+=(procps)
command -v docker >/dev/null 2>&1 || need+=(docker.io)
# for the stream tests: a real terminal, and docker-py as a second client
command -v tmux >/dev/null 2>&1 || need+=(tmux)
dpkg -s python3-docker >/dev/null 2>&1 || need+=(python3-docker)
# the TLS tests make their CA and certificates at test time
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# networking: bridges, veths and namespaces (ip), the embedded DNS redirect inside containers (nft)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
# compose 1.29 as a networking client in the tests
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
# the distribution tests run their own registry (never the package's service) and htpasswd files
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
# the builder clones git remote contexts (and its test makes a repository)
command -v git >/dev/null 2>&1 || need+=(git)
# crun: the default OCI runtime where it works (faster container starts than runc)
command -v crun >/dev/null 2>&1 || need+=(crun)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # docker.io is wanted for its CLI only (docker-registry for its binary only): keep their init
  # scripts from starting a system dockerd or registry.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
