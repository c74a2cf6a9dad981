#!/bin/sh
# An opencode sandbox: opencode's HTTP server on 4096, Basic auth (user `opencode`) with
# OPENCODE_SERVER_PASSWORD; its Anthropic provider goes to ANTHROPIC_BASE_URL (the platform's
# proxy) with ANTHROPIC_API_KEY (the sandbox's proxy token) through /opt/agent-cloud/opencode.json.
# State (sessions, config, the workspace) lives under HOME=/data, the sandbox's volume.
set -eu
: "${OPENCODE_SERVER_PASSWORD:?OPENCODE_SERVER_PASSWORD must be set: the server would be open to anyone}"
mkdir -p /data/workspace
cd /data/workspace
exec opencode serve --port 4096 --hostname 0.0.0.0
