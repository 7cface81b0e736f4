#!/bin/sh
# The image's entry point. Compiled JavaScript (dist/), production dependencies only:
#   AGENT unset or "all"   every agent in one process (the host; HIVE_AGENTS=a,b for some of them)
#   AGENT=<name>           that agent alone, in a process of its own
#   hive <verb> …          the hive CLI (hive streams, hive agents, hive acl --check)
#   any other command      run as given (sh)
# V8's flags are the supervisor's (packages/supervisor/src/agents.ts, measured in BENCHMARKS.md);
# --heap-growing-percent is one NODE_OPTIONS does not take, hence here, as in the systemd units.
# HIVE_ROOT (default /app) lets the steps be rehearsed outside an image (infra/README.md).
set -eu
root=${HIVE_ROOT:-/app}
apps() { for d in "$root"/apps/*/dist/index.js; do d=${d%/dist/index.js}; printf '%s ' "${d##*/}"; done; }
if [ "$#" -gt 0 ]; then
  if [ "$1" = hive ]; then
    shift
    exec node "$root/packages/cli/bin/hive.mjs" "$@"
  fi
  exec "$@"
fi
agent=${AGENT:-all}
if [ "$agent" = all ]; then
  cd "$root"
  exec node --max-semi-space-size=4 --heap-growing-percent=50 --expose-gc packages/supervisor/dist/host-main.js
fi
app="$root/apps/$agent"
if [ ! -f "$app/dist/index.js" ]; then
  echo "hive: no agent \"$agent\" in this image; AGENT is one of: all $(apps)" >&2
  exit 2
fi
cd "$app"
exec node --max-semi-space-size=4 --heap-growing-percent=50 --expose-gc dist/index.js
