#!/usr/bin/env bash
# Stops the API service that scripts/engine/start.sh started (containers keep running under conmon).
set -euo pipefail

SOCKET=${AGENT_CLOUD_ENGINE_SOCKET:-/run/agent-cloud/podman.sock}
PID_FILE=$(dirname "$SOCKET")/podman-service.pid

if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  kill "$(cat "$PID_FILE")"
  echo "== engine: stopped service pid $(cat "$PID_FILE")" >&2
else
  echo "== engine: no service running from $PID_FILE" >&2
fi
rm -f "$PID_FILE" "$SOCKET"
