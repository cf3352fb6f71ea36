#!/usr/bin/env bash
# Installs what is needed and runs the whole test suite (unit + integration). Integration tests
# need root and the docker CLI; they start their own berthd instances in temporary roots.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec node --test --test-concurrency=1 $(find dist/src dist/test client/dist -name '*.test.js' | sort)
