#!/usr/bin/env bash
# One Hive backup: Redis's AOF (after a BGREWRITEAOF, so it is one compact base file and a short
# tail) and every SQLite database the agents keep (sqlite3's online .backup, consistent under WAL),
# each encrypted with age to the owner's public key (the private key never is on the server), with
# SHA256SUMS of the encrypted files, into $HIVE_BACKUP_DIR/<UTC time>/; keeps the newest
# $HIVE_BACKUP_KEEP; then copies new backups to a Hetzner Storage Box (or any rsync-over-ssh host)
# when HIVE_BACKUP_REMOTE is set: without --delete and without overwriting, so nothing on this
# machine can remove or replace what is already off-site (prune there: Storage Box snapshots, or by
# hand). Run daily by hive-backup.timer (a failure runs hive-alert@: an ops.alert to the owner);
# restore with infra/restore.sh and the private key.
#
#   REDIS_URL                 redis://backup:<password>@127.0.0.1:6379 (the backup ACL user:
#                             BGREWRITEAOF and INFO only), from /etc/hive/agents/backup.env
#   HIVE_REDIS_DIR            Redis's data directory            (default /var/lib/hive/redis)
#   HIVE_DATA_DIR             the agents' data directory         (default /var/lib/hive/data)
#   HIVE_BACKUP_DIR           where backups go                   (default /var/backups/hive)
#   HIVE_BACKUP_KEEP          how many to keep                   (default 14)
#   HIVE_BACKUP_AGE_RECIPIENTS  age public key(s), "age1…", space-separated (required; age-keygen on
#                             your laptop, keep the private key there: restore.sh needs it)
#   HIVE_BACKUP_REMOTE        e.g. u123456@u123456.your-storagebox.de:hive (unset: no upload)
#   HIVE_BACKUP_REMOTE_PORT   ssh port (Storage Boxes: 23)       (default 23)
#   HIVE_BACKUP_SSH_KEY       private key for the remote         (default /etc/hive/backup_ed25519)
#   HIVE_BACKUP_KNOWN_HOSTS   the remote's host key              (default /etc/hive/backup_known_hosts)
set -euo pipefail
umask 077

: "${REDIS_URL:?set REDIS_URL to the URL of the backup user, from /etc/hive/agents/backup.env}"
REDIS_DIR=${HIVE_REDIS_DIR:-/var/lib/hive/redis}
DATA_DIR=${HIVE_DATA_DIR:-/var/lib/hive/data}
BACKUP_ROOT=${HIVE_BACKUP_DIR:-/var/backups/hive}
KEEP=${HIVE_BACKUP_KEEP:-14}
read -r -a RECIPIENTS <<<"${HIVE_BACKUP_AGE_RECIPIENTS:-}"
REMOTE=${HIVE_BACKUP_REMOTE:-}
REMOTE_PORT=${HIVE_BACKUP_REMOTE_PORT:-23}
SSH_KEY=${HIVE_BACKUP_SSH_KEY:-/etc/hive/backup_ed25519}
KNOWN_HOSTS=${HIVE_BACKUP_KNOWN_HOSTS:-/etc/hive/backup_known_hosts}

log() { printf 'hive-backup: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Encrypted or not at all: a backup leaves the machine, and holds every conversation.
((${#RECIPIENTS[@]} > 0)) || die "HIVE_BACKUP_AGE_RECIPIENTS is not set (in /etc/hive/backup.env): run age-keygen -o hive-backup.key on your laptop, keep that file there, and set HIVE_BACKUP_AGE_RECIPIENTS to the public key it prints (age1…)"
command -v age >/dev/null || die "age is not installed (apt-get install age)"
age_args=()
for r in "${RECIPIENTS[@]}"; do
  [[ $r == age1* ]] || die "HIVE_BACKUP_AGE_RECIPIENTS: \"$r\" is not an age public key (age1…)"
  age_args+=(-r "$r")
done
# Encrypt $1 into $1.age and remove the plain file (which never left this 0700 directory).
seal() { age "${age_args[@]}" -o "$1.age" "$1" && rm -f "$1"; }

# redis://user:password@host:port; the password stays out of the process list (REDISCLI_AUTH).
[[ $REDIS_URL =~ ^redis://([^:@/]+):([^@/]+)@([^:/]+):([0-9]+)/?$ ]] || die "REDIS_URL must look like redis://backup:<password>@host:port"
R_USER=${BASH_REMATCH[1]} R_PASS=${BASH_REMATCH[2]} R_HOST=${BASH_REMATCH[3]} R_PORT=${BASH_REMATCH[4]}
rcli() { REDISCLI_AUTH="$R_PASS" redis-cli --no-auth-warning -h "$R_HOST" -p "$R_PORT" --user "$R_USER" "$@"; }
info_field() { rcli INFO persistence | tr -d '\r' | sed -n "s/^$1://p"; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BACKUP_ROOT"
dest="$BACKUP_ROOT/$stamp"
[[ ! -e $dest ]] || die "$dest exists already (two backups in one second?)"
work="$dest.partial"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# --- Redis: compact the AOF, then copy the directory while no rewrite runs.
[[ $(info_field aof_enabled) == 1 ]] || die "Redis at $R_HOST:$R_PORT has appendonly off: nothing durable to back up"
reply=$(rcli BGREWRITEAOF)
case $reply in
  *scheduled* | *started* | *progress*) ;;
  *) die "BGREWRITEAOF: $reply" ;;
esac
copy_aof() {
  for _ in $(seq 1 600); do
    [[ $(info_field aof_rewrite_in_progress) == 0 && $(info_field aof_rewrite_scheduled) == 0 ]] && break
    sleep 0.5
  done
  [[ $(info_field aof_rewrite_in_progress) == 0 ]] || die "the AOF rewrite did not finish within 5 minutes"
  [[ $(info_field aof_last_bgrewrite_status) == ok ]] || die "the last AOF rewrite failed: see journalctl -u hive-redis"
  rm -rf "$work/appendonlydir"
  cp -a "$REDIS_DIR/appendonlydir" "$work/appendonlydir"
}
# The copy is consistent when every file the manifest names is in it (a rewrite that started during
# the copy would replace them); the tail of the last incr file may be cut mid-command, which Redis
# loads (aof-load-truncated yes) as the state a moment earlier.
aof_complete() {
  local manifest
  manifest=$(find "$work/appendonlydir" -maxdepth 1 -name '*.manifest' -print -quit)
  [[ -n $manifest ]] || return 1
  while read -r _ file _; do
    [[ -f "$work/appendonlydir/$file" ]] || return 1
  done < <(sed -n 's/^file \([^ ]*\) .*/x \1 x/p' "$manifest")
}
copy_aof
if ! aof_complete; then
  log "an AOF rewrite ran during the copy; copying again"
  copy_aof
  aof_complete || die "the copied AOF directory does not match its manifest"
fi
tar -C "$work" -czf "$work/redis-aof.tar.gz" appendonlydir
rm -rf "$work/appendonlydir"
seal "$work/redis-aof.tar.gz"
log "redis: AOF of $R_HOST:$R_PORT, $(du -h "$work/redis-aof.tar.gz.age" | cut -f1) compressed and encrypted"

# --- SQLite: every *.db under the data directory, by the online backup API.
dbs=0
if [[ -d $DATA_DIR ]]; then
  while IFS= read -r -d '' db; do
    rel=${db#"$DATA_DIR"/}
    out="$work/sqlite/$rel"
    mkdir -p "$(dirname "$out")"
    sqlite3 "$db" ".timeout 10000" ".backup '$out'"
    check=$(sqlite3 "$out" 'PRAGMA integrity_check;')
    [[ $check == ok ]] || die "$rel: the backup fails its integrity check: $check"
    gzip -9 "$out"
    seal "$out.gz"
    dbs=$((dbs + 1))
  done < <(find "$DATA_DIR" -type f -name '*.db' -print0 | sort -z)
fi
log "sqlite: $dbs database(s) from $DATA_DIR, encrypted"

(cd "$work" && find . -type f -print0 | sort -z | xargs -0 sha256sum >"$work.sums" && mv "$work.sums" SHA256SUMS)
mv "$work" "$dest"
trap - EXIT
log "wrote $dest"

# --- Keep the newest $KEEP.
mapfile -t all < <(find "$BACKUP_ROOT" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -printf '%f\n' | sort)
if ((${#all[@]} > KEEP)); then
  for old in "${all[@]:0:${#all[@]}-KEEP}"; do
    rm -rf "${BACKUP_ROOT:?}/$old"
    log "removed old backup $old"
  done
fi

# --- Off the machine: copy what is new. No --delete and --ignore-existing: this machine can add
# backups there but never remove or overwrite one, so a bad day here (or an intruder) cannot erase
# the off-site history. The remote is pruned by its own means (Storage Box snapshots, by hand).
if [[ -n $REMOTE ]]; then
  [[ -r $SSH_KEY ]] || die "HIVE_BACKUP_REMOTE is set but $SSH_KEY is not readable"
  [[ -r $KNOWN_HOSTS ]] || die "HIVE_BACKUP_REMOTE is set but $KNOWN_HOSTS (its host key: ssh-keyscan -p $REMOTE_PORT <host>) is missing"
  rsync -a --ignore-existing -e "ssh -p $REMOTE_PORT -i $SSH_KEY -o IdentitiesOnly=yes -o UserKnownHostsFile=$KNOWN_HOSTS -o StrictHostKeyChecking=yes" \
    --exclude '*.partial' "$BACKUP_ROOT/" "$REMOTE/"
  log "copied the new backups in $BACKUP_ROOT to $REMOTE (nothing there removed or replaced)"
fi
