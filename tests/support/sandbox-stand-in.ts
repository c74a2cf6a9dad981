import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./device-image.ts";
import { TEST_IMAGE } from "./engine.ts";

/**
 * A stand-in for the sandbox images while the real ones (scripts/engine/build-sandbox-images.sh)
 * are absent or too heavy for a test: the busybox test image whose entry serves what the
 * platform's readiness checks ask, on the real ports. With OPENCODE_SERVER_PASSWORD set it is
 * "opencode": busybox httpd on 4096, `/global/health` behind Basic auth (user `opencode`);
 * otherwise "openclaw": httpd on 18789 with `/readyz`. `READY_DELAY_S` (in the image's env, via
 * `slow`) holds the server back, so a test can act while a sandbox is still starting.
 */
const ENTRY = `#!/bin/sh
mkdir -p /www/global
echo '{"healthy":true,"version":"stand-in"}' > /www/global/health
echo ready > /www/readyz
echo "$HOSTNAME" > /www/hostname.txt
sleep "\${READY_DELAY_S:-0}"
if [ -n "$OPENCODE_SERVER_PASSWORD" ]; then
  echo "/global:opencode:$OPENCODE_SERVER_PASSWORD" > /etc/httpd.conf
  exec httpd -f -p 4096 -h /www -c /etc/httpd.conf
fi
exec httpd -f -p 18789 -h /www
`;

const built = new Map<string, Promise<string>>();

export function sandboxStandInImage(options: { readyDelayS?: number } = {}): Promise<string> {
  const delay = options.readyDelayS ?? 0;
  const tag = `localhost/agent-cloud/sandbox-stand-in:test-${delay}s`;
  let made = built.get(tag);
  if (!made) {
    made = build(tag, delay);
    built.set(tag, made);
  }
  return made;
}

async function build(tag: string, delay: number): Promise<string> {
  const context = mkdtempSync(join(tmpdir(), "sandbox-stand-in-"));
  try {
    writeFileSync(join(context, "entry.sh"), ENTRY, { mode: 0o755 });
    const containerfile = `FROM ${TEST_IMAGE}\nCOPY entry.sh /entry.sh\nENV READY_DELAY_S=${delay}\nENTRYPOINT ["/bin/sh", "/entry.sh"]\n`;
    await run(["podman", "build", "--quiet", "--tag", tag, "--file", "-", context], containerfile);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return tag;
}
