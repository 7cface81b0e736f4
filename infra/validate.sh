#!/usr/bin/env bash
# Static checks of the deployment files, each run only when its tool is on this machine (a missing
# tool is reported as "skip", never as a pass). packages/cli/test/deploy.test.ts runs this script.
#
#   cloud-init schema      infra/cloud-init.yaml          (apt-get install cloud-init)
#   systemd-analyze verify infra/systemd/*                (apt-get install systemd)
#   systemd-analyze security --offline (exposure <= 3.0)  (the same)
#   ShellCheck             infra/*.sh                     (apt-get install shellcheck)
#   dclint                 docker-compose.yml             (npx --yes dclint@3.1.0; needs the npm registry)
#   dockerfile-utils lint  Dockerfile                     (npx --yes dockerfile-utils@0.16.3)
#
# Exit 1 when a check that ran failed. HIVE_VALIDATE_OFFLINE=1 skips the two npx checks.
# shellcheck disable=SC2317 # verify(), security() and lint() are called through run()
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
failed=0
ok() { printf 'ok    %s\n' "$1"; }
skip() { printf 'skip  %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failed=1; }
have() { command -v "$1" >/dev/null 2>&1; }
run() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$name"; else fail "$name"; printf '%s\n' "$out" | sed 's/^/      /'; fi
}

if have cloud-init; then
  run "cloud-init schema infra/cloud-init.yaml" cloud-init schema --config-file infra/cloud-init.yaml
else
  skip "cloud-init schema: cloud-init is not installed (apt-get install --no-install-recommends cloud-init)"
fi

if have systemd-analyze; then
  # The units name /opt/hive; verify copies that name this checkout, so the ExecStart binaries and
  # scripts they point at are checked for real, and one instance of the agent template.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for f in infra/systemd/*; do sed "s#/opt/hive#$root#g" "$f" >"$tmp/$(basename "$f")"; done
  cp "$tmp/hive-agent@.service" "$tmp/hive-agent@box.service"
  cp "$tmp/hive-alert@.service" "$tmp/hive-alert@hive-backup.service.service"
  # Instances with the drop-ins deploy.sh writes (infra/lib/agent-units.sh): a model user, kami, vox.
  # shellcheck source=lib/agent-units.sh
  source infra/lib/agent-units.sh
  for a in iris:1 kami:0 vox:1; do
    cp "$tmp/hive-agent@.service" "$tmp/hive-agent@${a%:*}.service"
    mkdir -p "$tmp/hive-agent@${a%:*}.service.d"
    agent_dropin "${a%:*}" "${a#*:}" /etc/hive >"$tmp/hive-agent@${a%:*}.service.d/hive.conf"
  done
  # The drop-in deploy.sh writes for the one-process service: one credential per agent.
  mkdir -p "$tmp/hive-network.service.d"
  printf '[Service]\nLoadCredential=box.env:/etc/hive/agents/box.env\nLoadCredential=iris.env:/etc/hive/agents/iris.env\n' >"$tmp/hive-network.service.d/credentials.conf"
  verify() {
    local out
    out=$(cd "$tmp" && systemd-analyze verify ./hive-redis.service ./hive-network.service ./hive-agent@box.service ./hive-agent@iris.service ./hive-agent@kami.service ./hive-agent@vox.service ./hive-backup.service ./hive-alert@hive-backup.service.service ./hive-backup.timer ./hive.target 2>&1)
    # Outside the VM the users hive and redis may not exist; nothing else may be reported.
    out=$(printf '%s\n' "$out" | grep -v -e "^$" -e "Failed to resolve user" -e "Failed to resolve group" || true)
    [[ -z $out ]] || { printf '%s\n' "$out"; return 1; }
  }
  run "systemd-analyze verify infra/systemd/*" verify
  # Hardening must not regress: each service's exposure stays at or below 3.0 of 10 ("OK").
  security() { (cd "$tmp" && systemd-analyze security --offline=true --threshold=30 --no-pager ./hive-redis.service ./hive-network.service ./hive-agent@box.service ./hive-agent@kami.service ./hive-backup.service ./hive-alert@hive-backup.service.service >/dev/null); }
  run "systemd-analyze security: exposure <= 3.0 for every service" security
else
  skip "systemd-analyze verify: systemd is not installed"
fi

if have shellcheck; then
  run "shellcheck infra/*.sh infra/lib/*.sh" shellcheck -x --source-path=SCRIPTDIR infra/*.sh infra/lib/*.sh
else
  skip "shellcheck: not installed (apt-get install shellcheck)"
fi

if [[ ${HIVE_VALIDATE_OFFLINE:-} == 1 ]]; then
  skip "dclint, dockerfile-utils: HIVE_VALIDATE_OFFLINE=1"
elif have npx; then
  # npx exits non-zero both for lint findings and for a registry it cannot reach: tell them apart.
  lint() {
    local name=$1 out
    shift
    if out=$(timeout 180 npx --yes "$@" 2>&1); then ok "$name"
    elif grep -qiE 'npm (error|ERR!) (code|network)|ENOTFOUND|EAI_AGAIN|ETIMEDOUT' <<<"$out"; then skip "$name: the npm registry is not reachable"
    else fail "$name"; printf '%s\n' "$out" | sed 's/^/      /'
    fi
  }
  lint "dclint docker-compose.yml" dclint@3.1.0 docker-compose.yml
  lint "dockerfile-utils lint Dockerfile" dockerfile-utils@0.16.3 lint Dockerfile
else
  skip "dclint, dockerfile-utils: npx is not installed"
fi

exit "$failed"
