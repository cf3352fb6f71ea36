#!/usr/bin/env bash
# Installs what is needed, builds, and starts berthd in the background on unix:///var/run/berth.sock
# (extra arguments go to berthd). Logs: /var/log/berthd.log. Idempotent: a running berthd is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
sock=/var/run/berth.sock
ping() {
  [ -S "$sock" ] && node -e "require('http').get({socketPath:'$sock',path:'/_ping'},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
}
if ping; then
  echo "berthd is already running on unix://$sock"
  exit 0
fi
nohup bin/berthd "$@" >>/var/log/berthd.log 2>&1 &
for _ in $(seq 1 100); do
  if ping; then
    echo "berthd is running: export DOCKER_HOST=unix://$sock"
    exit 0
  fi
  sleep 0.2
done
echo "berthd did not come up; see /var/log/berthd.log" >&2
tail -20 /var/log/berthd.log >&2 || true
exit 1
