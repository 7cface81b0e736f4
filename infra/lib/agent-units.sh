# shellcheck shell=bash
# Per-agent systemd drop-ins for hive-agent@<name>.service (HIVE_MODE=agents), shared by deploy.sh
# (which installs them) and validate.sh (which verifies them). Each agent runs as its own user
# hive-<name> (hive-agent@.service: User=hive-%i, StateDirectory=hive/data/%i, mode 0700); a drop-in
# adds only what that agent needs beyond the template:
#   - the model's settings (/etc/hive/model.env: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL), for
#     the agents that declare a model (package.json "hive": {"model": true}; the supervisor's
#     modelAgentNames, also used by `npm start` and the one-process host): nobody else reads the key;
#   - the blob store (/var/lib/hive/data/blobs, STORAGE.md): kami writes it, vox reads it, through
#     the group hive-blobs; the directory is setgid, so files kami writes are readable by the group;
#   - kami: user namespaces, so that Chromium can keep its sandbox (kami probes them and logs the
#     fallback to --no-sandbox when they are refused).

# The user an agent runs as.
agent_user() { printf 'hive-%s' "$1"; }

# agent_dropin NAME USES_MODEL(0|1) ETC: the drop-in's content on stdout.
agent_dropin() {
  local name=$1 model=$2 etc=$3
  echo "# Written by infra/deploy.sh (infra/lib/agent-units.sh) for $name; do not edit."
  echo "[Service]"
  if ((model)); then
    echo "# $name calls a model: the only agents that read its key."
    echo "EnvironmentFile=$etc/model.env"
  fi
  case $name in
    kami)
      echo "# kami writes the blob store (media); vox reads it through the group hive-blobs."
      echo "SupplementaryGroups=hive-blobs"
      echo "ReadWritePaths=/var/lib/hive/data/blobs"
      echo "UMask=0027"
      echo "# Chromium's sandbox needs user, PID and network namespaces (the others stay refused)."
      echo "RestrictNamespaces=user pid net"
      ;;
    vox)
      echo "# vox reads the voice notes kami stored (read-only: the system is, and the files are 0640)."
      echo "SupplementaryGroups=hive-blobs"
      ;;
  esac
}
