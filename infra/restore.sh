#!/usr/bin/env bash
# Restore one backup made by infra/backup.sh: checks its SHA256SUMS, decrypts it with the age private
# key (into a private temporary directory, before anything is touched: a wrong key stops here),
# stops Hive, moves the current Redis AOF directory and SQLite databases aside
# (*.before-restore-<time>), puts the backup's in place, and starts Hive again. Run as root on the VPS:
#   sudo HIVE_BACKUP_AGE_IDENTITY=/root/hive-backup.key /opt/hive/infra/restore.sh /var/backups/hive/20250131T033012Z
# (copy the key over for the restore, and remove it afterwards: it decrypts every backup.)
# From a Storage Box, fetch the directory first (rsync -a -e 'ssh -p 23' <box>:hive/<time> /var/backups/hive/).
#
#   HIVE_BACKUP_AGE_IDENTITY  the age private key file (age-keygen's output; required)
#   HIVE_REDIS_DIR   Redis's data directory      (default /var/lib/hive/redis)
#   HIVE_DATA_DIR    the agents' data directory   (default /var/lib/hive/data)
#   HIVE_REDIS_OWNER owner of restored AOF files  (default redis:redis)
#   HIVE_DATA_OWNER  owner of restored databases  (default: the owner of the directory they go to,
#                    e.g. hive-scribe in HIVE_MODE=agents; else hive:hive)
#   HIVE_SYSTEMCTL   how to stop and start Hive   (default systemctl; "true" to leave services alone)
set -euo pipefail
umask 027

backup=${1:?usage: restore.sh <backup directory>}
REDIS_DIR=${HIVE_REDIS_DIR:-/var/lib/hive/redis}
DATA_DIR=${HIVE_DATA_DIR:-/var/lib/hive/data}
REDIS_OWNER=${HIVE_REDIS_OWNER:-redis:redis}
DATA_OWNER=${HIVE_DATA_OWNER:-}
IDENTITY=${HIVE_BACKUP_AGE_IDENTITY:-}
SYSTEMCTL=${HIVE_SYSTEMCTL:-systemctl}
log() { printf 'hive-restore: %s\n' "$*" >&2; }

[[ -f $backup/SHA256SUMS && -f $backup/redis-aof.tar.gz.age ]] || { log "$backup is not a Hive backup (no SHA256SUMS or redis-aof.tar.gz.age)"; exit 1; }
(cd "$backup" && sha256sum --quiet -c SHA256SUMS) || { log "$backup fails its checksums; not restoring"; exit 1; }
[[ -n $IDENTITY && -r $IDENTITY ]] || { log "set HIVE_BACKUP_AGE_IDENTITY to the age private key file the backups were encrypted for (age-keygen's output)"; exit 1; }
command -v age >/dev/null || { log "age is not installed (apt-get install age)"; exit 1; }
# Decrypt everything first, into a directory only root can read, removed on exit.
plain=$(mktemp -d)
chmod 0700 "$plain"
trap 'rm -rf "$plain"' EXIT
while IFS= read -r -d '' f; do
  rel=${f#"$backup"/}
  mkdir -p "$plain/$(dirname "$rel")"
  age -d -i "$IDENTITY" -o "$plain/${rel%.age}" "$f" 2>"$plain/.err" || { log "cannot decrypt $rel with $IDENTITY ($(cat "$plain/.err")); not restoring"; exit 1; }
done < <(find "$backup" -type f -name '*.age' -print0)
contents=$(tar -tzf "$plain/redis-aof.tar.gz")
grep -q '^appendonlydir/.*\.manifest$' <<<"$contents" || { log "the backup's AOF has no manifest"; exit 1; }

aside=".before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
log "stopping Hive"
$SYSTEMCTL stop hive.target hive-redis.service 'hive-agent@*.service'

if [[ -d $REDIS_DIR/appendonlydir ]]; then
  mv "$REDIS_DIR/appendonlydir" "$REDIS_DIR/appendonlydir$aside"
  log "current AOF moved to $REDIS_DIR/appendonlydir$aside"
fi
mkdir -p "$REDIS_DIR"
tar -C "$REDIS_DIR" -xzf "$plain/redis-aof.tar.gz"
chown -R "$REDIS_OWNER" "$REDIS_DIR/appendonlydir"

if [[ -d $plain/sqlite ]]; then
  while IFS= read -r -d '' gz; do
    rel=${gz#"$plain"/sqlite/}
    rel=${rel%.gz}
    target="$DATA_DIR/$rel"
    mkdir -p "$(dirname "$target")"
    for f in "$target" "$target-wal" "$target-shm"; do
      if [[ -e $f ]]; then mv "$f" "$f$aside"; fi
    done
    gunzip -c "$gz" >"$target"
    owner=$DATA_OWNER
    [[ -n $owner ]] || owner=$(stat -c %U:%G "$(dirname "$target")")
    chown "$owner" "$target"
    log "restored $rel"
  done < <(find "$plain/sqlite" -type f -name '*.db.gz' -print0)
fi

log "starting Hive"
$SYSTEMCTL start hive.target
log "restored $backup; the previous files are kept as *$aside until you remove them"
