#!/bin/sh
# The image's entry point: with AGENT=<name>, run that agent the way the supervisor does (from its
# app directory, TypeScript through tsx); with arguments, run them instead (npx hive streams, sh).
set -eu
apps() { for d in /app/apps/*/src/index.ts; do d=${d%/src/index.ts}; printf '%s ' "${d##*/}"; done; }
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
if [ -z "${AGENT:-}" ]; then
  echo "hive: set AGENT to one of: $(apps)" >&2
  exit 2
fi
app="/app/apps/$AGENT"
if [ ! -f "$app/src/index.ts" ]; then
  echo "hive: no agent \"$AGENT\" in this image; agents: $(apps)" >&2
  exit 2
fi
cd "$app"
exec node --conditions=@hive/source --import tsx src/index.ts
