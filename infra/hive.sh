#!/usr/bin/env bash
# The `hive` CLI on the VPS as the admin Redis user: sudo /opt/hive/infra/hive.sh streams
# (reads REDIS_URL from /etc/hive/agents/admin.env, written by `hive acl --env-dir`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
env_file=${HIVE_ETC:-/etc/hive}/agents/admin.env
[[ -r $env_file ]] || { echo "hive.sh: cannot read $env_file (run with sudo, after infra/deploy.sh)" >&2; exit 3; }
REDIS_URL=$(sed -n 's/^REDIS_URL=//p' "$env_file")
export REDIS_URL
exec "$root/node_modules/.bin/hive" "$@"
