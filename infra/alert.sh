#!/usr/bin/env bash
# Tell the owner that a Hive unit failed: one ops.alert (kami forwards it to the owner's WhatsApp),
# published as sentinel, the writer of ops.alert, with the `hive` CLI. Run by hive-alert@<unit>.service,
# which systemd starts through OnFailure= (hive-backup.service), with sentinel's Redis URL as a
# credential. Also logs the alert to the journal, so a failure is on record even when Redis is down.
#
#   alert.sh <unit>            e.g. alert.sh hive-backup.service
#   REDIS_URL                  sentinel's (default: read from $CREDENTIALS_DIRECTORY/sentinel.env)
#   HIVE_ALERT_DRY_RUN=1       print the payload instead of publishing it (tests)
set -euo pipefail
unit=${1:?usage: alert.sh <unit>}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [[ -z ${REDIS_URL:-} && -n ${CREDENTIALS_DIRECTORY:-} && -r $CREDENTIALS_DIRECTORY/sentinel.env ]]; then
  REDIS_URL=$(sed -n 's/^REDIS_URL=//p' "$CREDENTIALS_DIRECTORY/sentinel.env")
  export REDIS_URL
fi
now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
name=${unit%.service}
# The unit name is systemd's (letters, digits, "@", "-", "_", "."): nothing to escape in JSON.
[[ $unit =~ ^[A-Za-z0-9@._:-]+$ ]] || { echo "alert.sh: odd unit name \"$unit\"" >&2; exit 2; }
payload=$(printf '{"alertId":"alert_unit_%s_%s","status":"firing","severity":"critical","check":"other","subject":"%s","summary":"%s failed on %s: see journalctl -u %s","details":{"unit":"%s"},"at":"%s"}' \
  "$name" "$(date -u +%Y%m%dT%H%M%SZ)" "$name" "$unit" "$(hostname)" "$unit" "$unit" "$now")
echo "hive-alert: $unit failed; publishing an ops.alert to the owner" >&2
if [[ ${HIVE_ALERT_DRY_RUN:-} == 1 ]]; then
  printf '%s\n' "$payload"
  exit 0
fi
[[ -n ${REDIS_URL:-} ]] || { echo "hive-alert: no REDIS_URL (sentinel's credential is missing): the alert is only in this journal" >&2; exit 1; }
exec node "$root/packages/cli/bin/hive.mjs" publish ops.alert ops.alert "$payload" --src sentinel
