#!/usr/bin/env bash
# Installs the container engine the platform and its tests use: Podman (Docker-compatible API) from
# Debian's packages, configured for these machines. Idempotent and non-interactive; needs root.
# Start the service afterwards with scripts/engine/start.sh.
set -euo pipefail

# runc: crun fails here ("cgroups in hybrid mode not supported"). catatonit: reaps the service's
# children (PID 1 here does not). busybox-static: the rootfs of the locally built test image, since
# no image registry is reachable. iptables: the CNI portmap plugin publishes ports with it.
PACKAGES=(podman runc catatonit busybox-static iptables)
CONF_DIR=/etc/containers/containers.conf.d
CONF_FILE=$CONF_DIR/50-agent-cloud.conf

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/engine/install.sh: needs root (apt-get install, /etc/containers)" >&2
  exit 1
fi

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "== engine: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "== engine: packages already installed"
fi

# Containers otherwise inherit a nofile limit above the hard limit and fail with
# "setrlimit RLIMIT_NOFILE: Operation not permitted"; the hard limit cannot be raised here.
hard_nofile=$(ulimit -Hn)
if [ "$hard_nofile" = "unlimited" ]; then hard_nofile=1048576; fi

mkdir -p "$CONF_DIR"
desired=$(cat <<EOF
# Written by scripts/engine/install.sh (agent-cloud); rewritten on every run.
[containers]
default_ulimits = ["nofile=${hard_nofile}:${hard_nofile}", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
# Each API exec keeps a conmon process alive this long so its exit code can be read (the driver
# reads it within milliseconds); the 300 s default piles up processes under frequent execs.
exit_command_delay = 30
EOF
)
if [ ! -f "$CONF_FILE" ] || [ "$(cat "$CONF_FILE")" != "$desired" ]; then
  printf '%s\n' "$desired" >"$CONF_FILE"
  echo "== engine: wrote $CONF_FILE (a running service picks it up after scripts/engine/stop.sh && scripts/engine/start.sh)"
fi

echo "== engine: $(podman --version)"
