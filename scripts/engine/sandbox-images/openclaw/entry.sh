#!/bin/sh
# An openclaw sandbox: its gateway on 18789 (all interfaces), token auth with
# OPENCLAW_GATEWAY_TOKEN, no prior `openclaw setup`. Anthropic calls use ANTHROPIC_API_KEY (the
# sandbox's proxy token) at ANTHROPIC_BASE_URL (the platform's proxy). State under HOME=/data.
set -eu
: "${OPENCLAW_GATEWAY_TOKEN:?OPENCLAW_GATEWAY_TOKEN must be set}"
exec openclaw gateway run --bind lan --port 18789 --auth token --token "$OPENCLAW_GATEWAY_TOKEN" --allow-unconfigured
