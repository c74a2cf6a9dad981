#!/usr/bin/env bash
# Builds the test stand-in for a redroid image: static busybox (sh, tar, base64 for the workspace
# sync) plus the fixture ADB device from tests/fixtures/adb-device, compiled with `bun build
# --compile` and started as the entrypoint on port 5555. redroid itself needs binder, which these
# kernels lack. Rebuilt only when the compiled fixture changes. Prints the image name on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=${AGENT_CLOUD_DEVICE_IMAGE:-localhost/agent-cloud/adb-device:test}
say() { echo "== device image: $*" >&2; }

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
rootfs=$workdir/rootfs
mkdir -p "$rootfs/bin" "$rootfs/usr/local/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/data" "$rootfs/lib64" "$rootfs/lib/x86_64-linux-gnu"
bun build --compile --minify tests/fixtures/adb-device/main.ts --outfile "$rootfs/usr/local/bin/adb-device" >&2
hash=$(sha256sum "$rootfs/usr/local/bin/adb-device" | cut -c1-16)

current=$(podman image inspect --format '{{index .Labels "agent-cloud.fixture-hash"}}' "$IMAGE" 2>/dev/null || true)
if [ "$current" = "$hash" ]; then
  say "$IMAGE is up to date ($hash)"
  echo "$IMAGE"
  exit 0
fi

cp "$(command -v busybox)" "$rootfs/bin/busybox"
chroot "$rootfs" /bin/busybox --install -s /bin
chmod 1777 "$rootfs/tmp"
# The compiled fixture is a glibc program: bring the loader and the libraries it names.
for lib in $(ldd "$rootfs/usr/local/bin/adb-device" | grep -o '/[^ ]*'); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
tar -C "$rootfs" -cf "$workdir/rootfs.tar" .
podman rmi --force "$IMAGE" >/dev/null 2>&1 || true
podman import --quiet \
  --change 'ENTRYPOINT ["/usr/local/bin/adb-device", "--port", "5555", "--workspace-root", "/data/workspace"]' \
  --change "LABEL agent-cloud.fixture-hash=$hash" \
  "$workdir/rootfs.tar" "$IMAGE" >/dev/null
say "$IMAGE built ($hash)"
echo "$IMAGE"
