/**
 * The ADB client (Tango over node:net) against the fixture device, a separate implementation of
 * the device side of the wire protocol, over real loopback TCP.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import {
  AdbAuthError,
  AdbCommandError,
  AdbConnectError,
  AdbError,
  AdbTimeoutError,
  adbPublicKey,
  connectAdb,
  generateAdbKey,
  parseAdbKey,
  serializeAdbKey,
  textCommand,
  tapCommand,
  type AdbDevice,
} from "../../drivers/device/adb/index.ts";
import { startAdbDeviceFixture, type AdbDeviceFixture, type AdbDeviceFixtureOptions } from "../fixtures/adb-device/device.ts";

let key: Uint8Array;
let otherKey: Uint8Array;
const fixtures: AdbDeviceFixture[] = [];
const cleanupDirs: string[] = [];
const devices: AdbDevice[] = [];

beforeAll(async () => {
  [key, otherKey] = await Promise.all([generateAdbKey(), generateAdbKey()]);
}, 30_000);

afterAll(async () => {
  await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
  await Promise.all(fixtures.map((f) => f.close()));
  for (const dir of cleanupDirs) rmSync(dir, { recursive: true, force: true });
});

async function fixture(options: AdbDeviceFixtureOptions = {}): Promise<AdbDeviceFixture> {
  const started = await startAdbDeviceFixture({ auth: { authorizedKeys: [adbPublicKey(key)] }, ...options });
  fixtures.push(started);
  return started;
}

async function connected(options: AdbDeviceFixtureOptions = {}): Promise<{ fx: AdbDeviceFixture; device: AdbDevice }> {
  const fx = await fixture(options);
  const device = await connectAdb({ host: fx.host, port: fx.port }, key);
  devices.push(device);
  return { fx, device };
}

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe("authentication", () => {
  test("the authorised key signs the device's token and gets the banner", async () => {
    const { fx, device } = await connected();
    expect(fx.authLog).toEqual([{ kind: "signature-accepted", key: adbPublicKey(key, "") }]);
    expect(device.banner.model).toBe("fixture");
    expect(device.banner.features).toContain("shell_v2");
    expect(device.serial).toBe(`127.0.0.1:${fx.port}`);
  });

  test("another key is refused", async () => {
    const fx = await fixture({ auth: { authorizedKeys: [adbPublicKey(key)], unknownKeys: "reject" } });
    const attempt = connectAdb({ host: fx.host, port: fx.port }, otherKey);
    await expect(attempt).rejects.toBeInstanceOf(AdbAuthError);
    await attempt.catch(() => undefined);
    expect(fx.authLog.map((e) => e.kind)).toEqual(["signature-rejected", "key-refused"]);
    expect(fx.authorizedKeys).toEqual([adbPublicKey(key, "")]);
  });

  test("an unknown key offered while the user is asked times out as an auth failure", async () => {
    const fx = await fixture({ auth: { authorizedKeys: [], unknownKeys: "wait" } });
    const attempt = connectAdb({ host: fx.host, port: fx.port }, key, { timeoutMs: 1_000 });
    await expect(attempt).rejects.toThrow(/did not accept the key/);
    await attempt.catch(() => undefined);
    expect(fx.authLog.map((e) => e.kind)).toEqual(["signature-rejected", "key-pending"]);
  });

  test("an allowed new key is remembered; the next connection signs with it", async () => {
    const fx = await fixture({ auth: { authorizedKeys: [], unknownKeys: "accept" } });
    const first = await connectAdb({ host: fx.host, port: fx.port }, otherKey, { keyName: "platform@agent-cloud" });
    await first.close();
    const second = await connectAdb({ host: fx.host, port: fx.port }, otherKey);
    devices.push(second);
    expect(fx.authorizedKeys).toEqual([adbPublicKey(otherKey, "")]);
    expect(fx.authLog.map((e) => e.kind)).toEqual(["signature-rejected", "key-accepted", "signature-accepted"]);
  });

  test("nothing listening is a connect error (retryable), not an auth error", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(connectAdb({ host: "127.0.0.1", port }, key)).rejects.toBeInstanceOf(AdbConnectError);
  });

  test("the key round-trips through its stored form and must be RSA-2048", () => {
    const pem = serializeAdbKey(key);
    expect(pem).toStartWith("-----BEGIN PRIVATE KEY-----\n");
    expect(parseAdbKey(pem)).toEqual(key);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" });
    expect(() => parseAdbKey(String(ec))).toThrow(/RSA/);
    expect(adbPublicKey(key, "me@host")).toMatch(/^[A-Za-z0-9+/]+=* me@host$/);
  });
});

describe("a connected device", () => {
  let fx: AdbDeviceFixture;
  let device: AdbDevice;
  beforeAll(async () => {
    ({ fx, device } = await connected({ bootDelayMs: 250, screen: { width: 36, height: 64 } }));
  }, 30_000);

  test("waitForBoot resolves once sys.boot_completed flips to 1", async () => {
    expect((await device.shell("getprop sys.boot_completed")).stdout).toBe("\n");
    fx.state.commandLog.length = 0;
    await device.waitForBoot({ intervalMs: 25, timeoutMs: 5_000 });
    expect(fx.state.booted).toBe(true);
    const polls = fx.state.commandLog.filter((argv) => argv.join(" ") === "getprop sys.boot_completed").length;
    expect(polls).toBeGreaterThan(1);
    expect((await device.shell("getprop sys.boot_completed")).stdout).toBe("1\n");
  });

  test("waitForBoot gives up at its timeout and on abort", async () => {
    fx.state.reboot(60_000);
    try {
      await expect(device.waitForBoot({ intervalMs: 25, timeoutMs: 150 })).rejects.toBeInstanceOf(AdbTimeoutError);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("session cancelled")), 50);
      await expect(device.waitForBoot({ intervalMs: 25, signal: controller.signal })).rejects.toThrow("session cancelled");
    } finally {
      fx.state.reboot(0);
    }
  });

  test("shell v2 returns stdout, stderr and the exit code", async () => {
    expect(device.shellProtocol).toBe("v2");
    expect(await device.shell("echo hello world")).toEqual({ exitCode: 0, stdout: "hello world\n", stderr: "" });
    expect(await device.shell("ls /nope")).toEqual({ exitCode: 1, stdout: "", stderr: "ls: /nope: No such file or directory\n" });
    expect((await device.shell("no-such-tool")).exitCode).toBe(127);
    expect(await device.shell("false || echo recovered; exit 3")).toEqual({ exitCode: 3, stdout: "recovered\n", stderr: "" });
  });

  test("a shell call past its timeout fails and leaves the connection usable", async () => {
    await expect(device.shell("sleep 5", { timeoutMs: 100 })).rejects.toBeInstanceOf(AdbTimeoutError);
    await Bun.sleep(120);
    expect((await device.shell("echo still here")).stdout).toBe("still here\n");
  });

  test("push then pull round-trips bytes through sync:", async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(300_000)); // several 64 KiB DATA chunks
    await device.push("/sdcard/Download/blob.bin", bytes, { mode: 0o600 });
    const stored = fx.state.fs.lookup("/sdcard/Download/blob.bin");
    expect(stored.kind === "file" && stored.file.mode).toBe(0o600);
    expect(await device.pull("/sdcard/Download/blob.bin")).toEqual(bytes);
    expect((await device.shell("ls /sdcard/Download")).stdout).toBe("blob.bin\n");
    const missing = device.pull("/sdcard/none.bin");
    await expect(missing).rejects.toBeInstanceOf(AdbError);
    await expect(missing).rejects.toThrow(/No such file/);
  });

  test("screenshot returns a PNG of the screen's size", async () => {
    const png = await device.screenshot();
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pngSize(png)).toEqual({ width: 36, height: 64 });
  });

  test("tap, swipe, text and keyevent reach the device with their arguments", async () => {
    fx.state.inputLog.length = 0;
    await device.tap(100, 200);
    await device.swipe(10, 20, 30, 40, 300);
    await device.text("hello world");
    await device.keyevent("KEYCODE_HOME");
    await device.keyevent(26, { longpress: true });
    expect(fx.state.inputLog).toEqual([
      { action: "tap", x: 100, y: 200 },
      { action: "swipe", x1: 10, y1: 20, x2: 30, y2: 40, durationMs: 300 },
      { action: "text", text: "hello world" },
      { action: "keyevent", keycodes: ["KEYCODE_HOME"], longpress: false },
      { action: "keyevent", keycodes: ["26"], longpress: true },
    ]);
  });

  test("text with quotes, semicolons and substitutions is typed, not run", async () => {
    fx.state.inputLog.length = 0;
    fx.state.commandLog.length = 0;
    const hostile = `it's "quoted"; echo pwned && reboot || id | cat $(id) \`id\` \\ end`;
    await device.text(hostile);
    expect(fx.state.inputLog).toEqual([{ action: "text", text: hostile }]);
    expect(fx.state.commandLog).toEqual([["input", "text", hostile.replaceAll(" ", "%s")]]);
  });

  test("control: the fixture's shell does run unquoted separators and substitutions", async () => {
    fx.state.commandLog.length = 0;
    const result = await device.shell("input text a;echo pwned $(id -u)");
    expect(result.stdout).toBe("pwned uid=2000(shell) gid=2000(shell) groups=2000(shell) context=u:r:shell:s0\n");
    expect(fx.state.commandLog.map((argv) => argv[0])).toEqual(["input", "id", "echo"]);
  });

  test("input arguments are checked before anything is sent", async () => {
    expect(() => textCommand("line\nnext")).toThrow(RangeError);
    expect(() => textCommand("café")).toThrow(RangeError);
    expect(() => tapCommand(-1, 5)).toThrow(RangeError);
    expect(() => tapCommand(Number.NaN, 5)).toThrow(RangeError);
    await expect(device.keyevent("HOME; reboot")).rejects.toBeInstanceOf(RangeError);
  });

  test("install pushes the APK, runs pm install -r and removes the copy", async () => {
    const apk = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...crypto.getRandomValues(new Uint8Array(4096))]);
    const result = await device.install(apk);
    expect(result.stdout).toBe("Success\n");
    const record = fx.state.installs.at(-1);
    expect(record?.path).toMatch(/^\/data\/local\/tmp\/agent-cloud-[0-9a-f-]+\.apk$/);
    expect(record?.size).toBe(apk.length);
    expect(record?.flags).toEqual(["-r"]);
    expect(fx.state.fs.list("/data/local/tmp")).toEqual([]);
  });

  test("a failed install reports pm's reason and still cleans up", async () => {
    const attempt = device.install(new TextEncoder().encode("not a zip"));
    await expect(attempt).rejects.toBeInstanceOf(AdbCommandError);
    await expect(attempt).rejects.toThrow(/INSTALL_PARSE_FAILED_NOT_APK/);
    await attempt.catch(() => undefined);
    expect(fx.state.fs.list("/data/local/tmp")).toEqual([]);
  });
});

describe("a device without shell v2", () => {
  test("falls back to raw exec: output without an exit code, binary-safe", async () => {
    const { fx, device } = await connected({ features: ["fixed_push_mkdir"], screen: { width: 20, height: 10 } });
    expect(device.shellProtocol).toBe("v1");
    expect(await device.shell("echo one; ls /nope")).toEqual({ stdout: "one\nls: /nope: No such file or directory\n", stderr: "" });
    expect(pngSize(await device.screenshot())).toEqual({ width: 20, height: 10 });
    await device.tap(1, 2);
    await expect(device.text("a\tb")).rejects.toBeInstanceOf(RangeError);
    expect(fx.state.inputLog).toEqual([{ action: "tap", x: 1, y: 2 }]);
    expect(fx.openLog.some((service) => service.startsWith("shell,v2"))).toBe(false);
  });
});

describe("a device with a small max payload", () => {
  test("large transfers are split into many WRTE/OKAY exchanges both ways", async () => {
    const { device } = await connected({ maxPayload: 4096, screen: { width: 200, height: 300 } });
    const bytes = crypto.getRandomValues(new Uint8Array(100_000));
    await device.push("/data/local/tmp/big.bin", bytes);
    expect(await device.pull("/data/local/tmp/big.bin")).toEqual(bytes);
    expect(pngSize(await device.screenshot())).toEqual({ width: 200, height: 300 });
  });
});

describe("a disk-backed workspace on the fixture", () => {
  test("files pushed over ADB land on disk, and files on disk can be pulled", async () => {
    const dir = mkdtempSync(join(tmpdir(), "adb-fixture-ws-"));
    try {
      const { device } = await connected({ diskMounts: { "/data/workspace": dir } });
      await device.push("/data/workspace/skills/demo/SKILL.md", new TextEncoder().encode("# demo\n"));
      expect(readFileSync(join(dir, "skills/demo/SKILL.md"), "utf8")).toBe("# demo\n");
      writeFileSync(join(dir, "notes.txt"), "from the host");
      expect(new TextDecoder().decode(await device.pull("/data/workspace/notes.txt"))).toBe("from the host");
      expect((await device.shell("ls /data/workspace; ls /data")).stdout).toBe("notes.txt\nskills\nlocal\nworkspace\n");
      expect((await device.shell("cat /data/workspace/notes.txt && rm -r /data/workspace/skills && ls /data/workspace")).stdout).toBe("from the host" + "notes.txt\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a dropped connection", () => {
  for (const reset of [false, true]) {
    test(`fails the call in flight and later calls (${reset ? "RST" : "FIN"}), and close() still works`, async () => {
      const { fx, device } = await connected();
      const inFlight = device.shell("sleep 5");
      await Bun.sleep(30);
      fx.dropConnections({ reset });
      await expect(inFlight).rejects.toBeInstanceOf(AdbConnectError);
      await device.disconnected;
      await expect(device.shell("echo after")).rejects.toThrow(/is disconnected/);
      await device.close();
    });
  }
});

describe("the fixture as its own process", () => {
  test("bun main.ts --port … serves ADB", async () => {
    const keysFile = `${process.env.TMPDIR ?? "/tmp"}/adb-fixture-keys-${process.pid}`;
    await Bun.write(keysFile, `${adbPublicKey(key)}\n`);
    const workspace = mkdtempSync(join(tmpdir(), "adb-fixture-root-"));
    cleanupDirs.push(workspace);
    const args = ["--host", "127.0.0.1", "--port", "0", "--authorized-keys", keysFile, "--workspace-root", workspace];
    const child = Bun.spawn(["bun", `${import.meta.dir}/../fixtures/adb-device/main.ts`, ...args], {
      stdout: "pipe",
      stderr: "inherit",
    });
    try {
      const reader = child.stdout.getReader();
      const { value } = await reader.read();
      reader.releaseLock();
      const { port } = JSON.parse(new TextDecoder().decode(value)) as { port: number };
      const device = await connectAdb({ host: "127.0.0.1", port }, key);
      expect((await device.shell("getprop ro.product.model")).stdout).toBe("fixture\n");
      await device.push(`${workspace}/pushed.txt`, new TextEncoder().encode("on disk"));
      expect(readFileSync(join(workspace, "pushed.txt"), "utf8")).toBe("on disk");
      await device.close();
      await expect(connectAdb({ host: "127.0.0.1", port }, otherKey)).rejects.toBeInstanceOf(AdbAuthError);
    } finally {
      child.kill();
      await child.exited;
    }
  });
});
