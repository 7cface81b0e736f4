#!/usr/bin/env bash
# Deploy or update Hive on the VPS. Idempotent: run it for the first start and for every update.
#
#   sudo /opt/hive/infra/deploy.sh             # git pull --ff-only, then everything below
#   sudo /opt/hive/infra/deploy.sh --no-pull   # the tree is already there (rsync from a laptop)
#   sudo HIVE_MODE=agents /opt/hive/infra/deploy.sh   # one process per agent instead of one for all
#
# 1. code: git pull (as the checkout's owner), pnpm install --frozen-lockfile, build (dist/ of every
#    package and app), then production dependencies only (pnpm install --prod, without the benchmarks
#    and the e2e tests): the services run compiled JavaScript, with no tsx, esbuild or vitest
# 2. config: /etc/hive/redis/redis.conf from infra/redis/redis.conf; /etc/hive/hive.env,
#    /etc/hive/model.env and /etc/hive/backup.env from their examples, only if missing (they are
#    yours to edit; OPENAI_* lines an older hive.env holds are moved to model.env); one OS user per
#    agent (hive-<name>) and the group hive-blobs (kami and vox)
# 3. ACL: `hive acl` from topology.json (generated from the agents' definitions): passwords kept in /etc/hive/secrets.env (new
#    ones generated), /etc/hive/redis/users.acl, /etc/hive/agents/<user>.env (REDIS_URL per user)
# 4. systemd: units installed, Debian's own redis-server disabled, hive-redis enabled, and then
#    HIVE_MODE=network (the default): hive-network.service, every agent in one process, with one
#    LoadCredential= per agent (its Redis user) and model.env in hive-network.service.d/credentials.conf; or
#    HIVE_MODE=agents: one hive-agent@<name> per agent in apps/, each as its own user with its own
#    0700 state dir and a drop-in (infra/lib/agent-units.sh: the model's key only for the agents
#    that use a model, the blob store for kami and vox); instances of removed agents disabled. The
#    other mode's units are disabled and stopped.
# 5. start: Redis (restarted only when its config changed; ACL LOAD when the users changed), then
#    the agents restarted onto the new code (SIGTERM: each finishes or hands back its work)
# 6. verify: `hive acl --check` against the live Redis, and every agent in the registry, running
set -euo pipefail

HIVE_ROOT=${HIVE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# The paths below are the VPS's; the variables exist to rehearse a deploy on another machine.
ETC=${HIVE_ETC:-/etc/hive}
UNIT_DIR=${HIVE_UNIT_DIR:-/etc/systemd/system}
SYSCTL_DIR=${HIVE_SYSCTL_DIR:-/etc/sysctl.d}
BACKUP_DIR=${HIVE_BACKUP_DIR:-/var/backups/hive}
REDIS_PORT=${HIVE_REDIS_PORT:-6379}
REDIS_HOST=127.0.0.1:$REDIS_PORT
MODE=${HIVE_MODE:-network}
pull=1
for arg in "$@"; do
  case $arg in
    --no-pull) pull=0 ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "deploy.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

# shellcheck source=lib/agent-units.sh
source "$HIVE_ROOT/infra/lib/agent-units.sh"
log() { printf '\033[1mhive-deploy:\033[0m %s\n' "$*"; }
die() { printf 'hive-deploy: %s\n' "$*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "run as root: sudo $0 $*"
id hive >/dev/null 2>&1 || die "no user \"hive\" (cloud-init creates it: useradd --system --home /var/lib/hive --shell /usr/sbin/nologin hive)"
id redis >/dev/null 2>&1 || die "no user \"redis\": apt-get install redis-server"
command -v node >/dev/null || die "node is not installed (Node 22: see infra/cloud-init.yaml)"
[[ $MODE == network || $MODE == agents ]] || die "HIVE_MODE must be \"network\" (every agent in one process) or \"agents\" (one process each), not \"$MODE\""

OWNER=$(stat -c %U "$HIVE_ROOT")
OWNER_HOME=$(getent passwd "$OWNER" | cut -d: -f6)
# As the checkout's owner, with its own HOME (pnpm's store, git's config), not root's.
as_owner() { runuser -u "$OWNER" -- env HOME="$OWNER_HOME" "$@"; }
cd "$HIVE_ROOT"
changed() { ! cmp -s "$1" "$2"; }

# ---------------------------------------------------------------- 1. code
if ((pull)); then
  log "git pull in $HIVE_ROOT (as $OWNER)"
  as_owner git -C "$HIVE_ROOT" pull --ff-only
fi
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if command -v pnpm >/dev/null && [[ $(pnpm --version) == "$PNPM_VERSION" ]]; then pnpm=(pnpm); else pnpm=(npx --yes "pnpm@$PNPM_VERSION"); fi
if [[ ${HIVE_SKIP_INSTALL:-} != 1 ]]; then
  log "pnpm install --frozen-lockfile, then the build"
  as_owner env CI=true PUPPETEER_SKIP_DOWNLOAD=1 "${pnpm[@]}" install --frozen-lockfile
  as_owner env CI=true TURBO_TELEMETRY_DISABLED=1 "${pnpm[@]}" exec turbo run build --filter='./apps/*' --filter=@hive/supervisor --filter=@hive/cli --output-logs=errors-only
  # From scratch: an install over the full one would keep the dev tools it no longer needs.
  log "production dependencies only"
  as_owner rm -rf node_modules packages/*/node_modules apps/*/node_modules
  as_owner env CI=true PUPPETEER_SKIP_DOWNLOAD=1 "${pnpm[@]}" install --prod --frozen-lockfile --filter '!@hive/bench' --filter '!@hive/e2e'
fi
# The compiled CLI (dist/): it reads the agents' compiled definitions, as the services run them.
hive_cli() { node "$HIVE_ROOT/packages/cli/bin/hive.mjs" "$@"; }

# The agents: the supervisor's discovery, the list `npm start` and the host run.
mapfile -t AGENTS < <(node --input-type=module -e "
  const { agentNames } = await import('$HIVE_ROOT/packages/supervisor/dist/index.js');
  for (const name of agentNames('$HIVE_ROOT')) console.log(name);")
((${#AGENTS[@]} > 0)) || die "no agents found in $HIVE_ROOT/apps"
log "agents: ${AGENTS[*]}"
# The agents that call a model: each app's package.json declares it ("hive": {"model": true}).
mapfile -t MODEL_AGENTS < <(node --input-type=module -e "
  const { modelAgentNames } = await import('$HIVE_ROOT/packages/supervisor/dist/index.js');
  for (const name of modelAgentNames('$HIVE_ROOT')) console.log(name);")
log "agents that use a model (the only ones given OPENAI_*): ${MODEL_AGENTS[*]:-none}"
uses_model() { [[ " ${MODEL_AGENTS[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------- 2. config
install -d -m 0755 "$ETC"
install -d -m 0750 -o root -g redis "$ETC/redis"
install -d -m 0700 "$ETC/agents"
install -d -m 0700 "$BACKUP_DIR"
redis_conf_changed=0
if [[ ! -f $ETC/redis/redis.conf ]] || changed infra/redis/redis.conf "$ETC/redis/redis.conf"; then
  install -m 0640 -o root -g redis infra/redis/redis.conf "$ETC/redis/redis.conf"
  redis_conf_changed=1
  log "installed $ETC/redis/redis.conf"
fi
for f in hive.env backup.env; do
  if [[ ! -f $ETC/$f ]]; then
    install -m 0600 "infra/$f.example" "$ETC/$f"
    log "created $ETC/$f from infra/$f.example: edit it, then run this again"
  fi
done
# The model's settings live apart from hive.env, so that only the agents that use a model read them.
if [[ ! -f $ETC/model.env ]]; then
  install -m 0600 infra/model.env.example "$ETC/model.env"
  if grep -q '^OPENAI_' "$ETC/hive.env"; then
    grep '^OPENAI_' "$ETC/hive.env" >>"$ETC/model.env"
    sed -i '/^OPENAI_/d' "$ETC/hive.env"
    log "moved the OPENAI_* settings from $ETC/hive.env to $ETC/model.env (read only by: ${MODEL_AGENTS[*]:-none})"
  else
    log "created $ETC/model.env from infra/model.env.example"
  fi
fi
chmod 0600 "$ETC/model.env"
if grep -qE '^OPENAI_(API_KEY|BASE_URL)=.+' "$ETC/hive.env"; then
  log "WARNING: $ETC/hive.env sets OPENAI_API_KEY or OPENAI_BASE_URL, which every agent reads: move them to $ETC/model.env"
fi
# One OS user per agent (hive-agent@.service: User=hive-%i); kami and vox share the blob store.
getent group hive-blobs >/dev/null || groupadd --system hive-blobs
for a in "${AGENTS[@]}"; do
  u=$(agent_user "$a")
  if ! id "$u" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir "/var/lib/hive/data/$a" --shell /usr/sbin/nologin "$u"
    log "created the user $u"
  fi
done
cat >"$SYSCTL_DIR/60-hive-redis.conf" <<'EOF'
# Redis forks to rewrite its AOF; without overcommit the fork can fail under memory pressure.
vm.overcommit_memory = 1
EOF
sysctl -q -p "$SYSCTL_DIR/60-hive-redis.conf" || true

# ---------------------------------------------------------------- 3. ACL
log "hive acl: users from topology.json (the agents' definitions, as hive gen wrote them)"
acl_new=$(mktemp)
trap 'rm -f "$acl_new"' EXIT
hive_cli acl --secrets "$ETC/secrets.env" --out "$acl_new" --env-dir "$ETC/agents" --redis-host "$REDIS_HOST"
chmod 0600 "$ETC/secrets.env"
acl_changed=0
if [[ ! -f $ETC/redis/users.acl ]] || changed "$acl_new" "$ETC/redis/users.acl"; then
  install -m 0640 -o root -g redis "$acl_new" "$ETC/redis/users.acl"
  acl_changed=1
  log "installed $ETC/redis/users.acl"
fi
# Users of agents that are gone: their env files go too.
for f in "$ETC"/agents/*.env; do
  name=$(basename "$f" .env)
  if ! grep -q "^user $name " "$ETC/redis/users.acl"; then rm -f "$f"; log "removed $f (no such user any more)"; fi
done

# ---------------------------------------------------------------- 4. systemd
units_changed=0
for unit in infra/systemd/*.service infra/systemd/*.timer infra/systemd/*.target; do
  dest="$UNIT_DIR/$(basename "$unit")"
  if [[ ! -f $dest ]] || changed "$unit" "$dest"; then
    install -m 0644 "$unit" "$dest"
    units_changed=1
  fi
done
if ((units_changed)); then systemctl daemon-reload; log "installed the systemd units"; fi
# Debian's redis-server would take port 6379 with its own config and no ACL.
if systemctl is-enabled --quiet redis-server.service 2>/dev/null || systemctl is-active --quiet redis-server.service; then
  systemctl disable --now redis-server.service
  log "disabled Debian's redis-server.service (hive-redis.service replaces it)"
fi
systemctl enable --quiet hive.target hive-redis.service hive-backup.timer
# One process for every agent, each with its own Redis user: one credential per agent, by name.
dropin="$UNIT_DIR/hive-network.service.d"
install -d -m 0755 "$dropin"
creds=$(mktemp)
{
  echo "# Written by infra/deploy.sh: each agent's REDIS_URL (its own ACL user), as \$CREDENTIALS_DIRECTORY/<agent>.env."
  echo "# And the model's settings, which the host gives only to the agents that use a model."
  echo "[Service]"
  for a in "${AGENTS[@]}"; do echo "LoadCredential=$a.env:$ETC/agents/$a.env"; done
  echo "LoadCredential=model.env:$ETC/model.env"
} >"$creds"
if [[ ! -f $dropin/credentials.conf ]] || changed "$creds" "$dropin/credentials.conf"; then
  install -m 0644 "$creds" "$dropin/credentials.conf"
  systemctl daemon-reload
fi
rm -f "$creds"
enabled_agents() { systemctl list-unit-files 'hive-agent@*.service' --state=enabled --no-legend | awk '{print $1}' | grep -v '^hive-agent@\.service$' || true; }
if [[ $MODE == network ]]; then
  while read -r unit; do
    [[ -n $unit ]] && systemctl disable --now "$unit" && log "disabled $unit: every agent runs in hive-network.service"
  done < <(enabled_agents)
  systemctl enable --quiet hive-network.service
else
  if systemctl is-enabled --quiet hive-network.service 2>/dev/null; then
    systemctl disable --now hive-network.service
    log "disabled hive-network.service: one process per agent (HIVE_MODE=agents)"
  fi
  # Each agent its own user and 0700 state dir (systemd creates and chowns them), so the data dir
  # itself must be traversable; the blob store belongs to kami, readable by the group hive-blobs.
  data=/var/lib/hive/data
  install -d -m 0755 -o root -g root /var/lib/hive "$data"
  chown root:root "$data"
  chmod 0755 "$data"
  install -d -m 2750 -o "$(agent_user kami)" -g hive-blobs "$data/blobs"
  chown -R "$(agent_user kami):hive-blobs" "$data/blobs"
  chmod -R g+rX,g-w,o-rwx "$data/blobs"
  find "$data/blobs" -type d -exec chmod g+s {} +
  dropins_changed=0
  for a in "${AGENTS[@]}"; do
    d="$UNIT_DIR/hive-agent@$a.service.d"
    install -d -m 0755 "$d"
    want=$(mktemp)
    if uses_model "$a"; then agent_dropin "$a" 1 "$ETC" >"$want"; else agent_dropin "$a" 0 "$ETC" >"$want"; fi
    if [[ ! -f $d/hive.conf ]] || changed "$want" "$d/hive.conf"; then
      install -m 0644 "$want" "$d/hive.conf"
      dropins_changed=1
    fi
    rm -f "$want"
  done
  if ((dropins_changed)); then systemctl daemon-reload; log "installed the agents' drop-ins"; fi
  for a in "${AGENTS[@]}"; do systemctl enable --quiet "hive-agent@$a.service"; done
  while read -r unit; do
    name=${unit#hive-agent@}
    name=${name%.service}
    if [[ -n $name && ! " ${AGENTS[*]} " =~ \ $name\  ]]; then
      systemctl disable --now "$unit"
      log "disabled $unit: apps/$name is gone"
    fi
  done < <(enabled_agents)
fi

# ---------------------------------------------------------------- 5. start
admin_url=$(sed -n 's/^REDIS_URL=//p' "$ETC/agents/admin.env")
ping_redis() { REDISCLI_AUTH="$(sed -n 's/^HIVE_REDIS_PASSWORD_ADMIN=//p' "$ETC/secrets.env")" redis-cli --no-auth-warning --user admin -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
if systemctl is-active --quiet hive-redis.service; then
  if ((redis_conf_changed)); then
    log "restarting Redis (its config changed)"
    systemctl restart hive-redis.service
  elif ((acl_changed)); then
    log "ACL LOAD (the users changed)"
    ping_redis ACL LOAD >/dev/null
  fi
else
  log "starting Redis"
  systemctl start hive-redis.service
fi
for _ in $(seq 1 60); do
  [[ $(ping_redis PING 2>/dev/null) == PONG ]] && break
  sleep 1
done
[[ $(ping_redis PING 2>/dev/null) == PONG ]] || die "Redis does not answer: journalctl -u hive-redis"

systemctl start hive.target
restarted_at=$(($(date +%s) * 1000))
log "restarting the agents onto this code ($MODE)"
if [[ $MODE == network ]]; then
  systemctl restart hive-network.service
else
  systemctl restart "${AGENTS[@]/#/hive-agent@}"
fi

# ---------------------------------------------------------------- 6. verify
log "hive acl --check"
REDIS_URL=$admin_url hive_cli acl --check --secrets "$ETC/secrets.env"
log "waiting for every agent to register"
for _ in $(seq 1 90); do
  # Running, and started by this deploy (not a record left by the process it replaced).
  running=$(REDIS_URL=$admin_url hive_cli agents --json | SINCE=$restarted_at node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const since = Number(process.env.SINCE) - 5000;
      console.log([...new Set(JSON.parse(s).filter((a) => a.status === "running" && a.startedAt >= since).map((a) => a.name))].sort().join(" "));
    });')
  missing=()
  for a in "${AGENTS[@]}"; do [[ " $running " == *" $a "* ]] || missing+=("$a"); done
  ((${#missing[@]} == 0)) && break
  sleep 2
done
if ((${#missing[@]} > 0)); then
  unit=hive-agent@${missing[0]}
  [[ $MODE == network ]] && unit=hive-network
  die "not running after 3 minutes: ${missing[*]} (journalctl -u $unit -n 50)"
fi
log "deployed $(as_owner git -C "$HIVE_ROOT" rev-parse --short HEAD 2>/dev/null || echo '(no git)'): Redis and ${#AGENTS[@]} agents running ($MODE)"
