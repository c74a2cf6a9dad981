#!/usr/bin/env bash
# Starts Podman's Docker-compatible API service in the background (unless it already answers) and
# loads the test image. Idempotent. Progress goes to stderr; stdout is exactly one line,
# `DOCKER_HOST=unix://<socket>`, so callers can `export "$(scripts/engine/start.sh)"`.
# Install first with scripts/engine/install.sh.
set -euo pipefail

SOCKET=${AGENT_CLOUD_ENGINE_SOCKET:-/run/agent-cloud/podman.sock}
STATE_DIR=$(dirname "$SOCKET")
LOG_FILE=$STATE_DIR/podman-service.log
PID_FILE=$STATE_DIR/podman-service.pid
TEST_IMAGE=localhost/agent-cloud/busybox:test

say() { echo "== engine: $*" >&2; }

ping_engine() {
  [ -S "$SOCKET" ] && [ "$(curl -s --max-time 2 --unix-socket "$SOCKET" http://engine/_ping 2>/dev/null)" = "OK" ]
}

for tool in podman catatonit busybox curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "scripts/engine/start.sh: '$tool' is missing; run scripts/engine/install.sh first" >&2
    exit 1
  fi
done

mkdir -p "$STATE_DIR"
if ping_engine; then
  say "service already answers on $SOCKET"
else
  rm -f "$SOCKET"
  # catatonit reaps the service's orphans (conmon, exec sessions): PID 1 here does not.
  # setsid + redirected descriptors: the service outlives this script and holds none of its pipes.
  # Started from /: conmon inherits the service's working directory and cannot start a container
  # once that directory is gone (a CI clone removed while the service runs on).
  (cd / && exec setsid catatonit -- podman system service --time=0 "unix://$SOCKET" \
    </dev/null >>"$LOG_FILE" 2>&1) &
  echo $! >"$PID_FILE"
  started=$(date +%s%N)
  for _ in $(seq 1 150); do
    if ping_engine; then break; fi
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      echo "scripts/engine/start.sh: the podman service exited; last lines of $LOG_FILE:" >&2
      tail -20 "$LOG_FILE" >&2
      exit 1
    fi
    sleep 0.1
  done
  if ! ping_engine; then
    echo "scripts/engine/start.sh: no answer on $SOCKET after 15 s; see $LOG_FILE" >&2
    exit 1
  fi
  say "service started (pid $(cat "$PID_FILE")) in $(( ($(date +%s%N) - started) / 1000000 )) ms on $SOCKET"
fi

# No registry is reachable, so the test image is a static busybox rootfs imported from a tar.
if podman image exists "$TEST_IMAGE"; then
  say "image $TEST_IMAGE present"
else
  workdir=$(mktemp -d)
  trap 'rm -rf "$workdir"' EXIT
  rootfs=$workdir/rootfs
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root" "$rootfs/data"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  chroot "$rootfs" /bin/busybox --install -s /bin
  chmod 1777 "$rootfs/tmp"
  tar -C "$rootfs" -cf "$workdir/rootfs.tar" .
  podman import --quiet --change 'CMD ["/bin/sh"]' "$workdir/rootfs.tar" "$TEST_IMAGE" >/dev/null
  say "image $TEST_IMAGE built"
fi

echo "DOCKER_HOST=unix://$SOCKET"
