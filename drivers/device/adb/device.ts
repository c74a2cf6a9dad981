import type { Adb } from "@yume-chan/adb";
import type { AndroidDevice } from "../types.ts";
import { waitForBoot } from "./boot.ts";
import { AdbCommandError, AdbConnectError } from "./errors.ts";
import { pull, push } from "./files.ts";
import { keyeventCommand, swipeCommand, tapCommand, textCommand } from "./input.ts";
import { install } from "./install.ts";
import { screenshot } from "./screenshot.ts";
import { shell, shellBytes, shellProtocolOf } from "./shell.ts";
import type { CallOptions, DeviceBanner, ShellBytesResult, ShellResult, WaitForBootOptions } from "./types.ts";

/** An authenticated ADB connection to one device (Tango's `Adb` underneath). */
export class AdbDevice implements AndroidDevice {
  readonly serial: string;
  readonly banner: DeviceBanner;
  readonly shellProtocol: "v2" | "v1";
  /** Resolves when the connection ends, whatever the cause (never rejects). */
  readonly disconnected: Promise<void>;
  readonly #adb: Adb;
  readonly #destroy: () => void;
  readonly #lost: Promise<never>;
  #gone = false;

  constructor(adb: Adb, destroy: () => void) {
    this.#adb = adb;
    this.#destroy = destroy;
    this.serial = adb.serial;
    const { product, model, device, features } = adb.banner;
    this.banner = { features, ...(product && { product }), ...(model && { model }), ...(device && { device }) };
    this.shellProtocol = shellProtocolOf(adb);
    this.disconnected = adb.disconnected.then(
      () => undefined,
      () => undefined,
    );
    this.#lost = this.disconnected.then(() => {
      this.#gone = true;
      throw new AdbConnectError(`${this.serial} disconnected`);
    });
    this.#lost.catch(() => undefined);
  }

  /** The underlying Tango client, for what this class does not cover (e.g. scrcpy). */
  get adb(): Adb {
    return this.#adb;
  }

  waitForBoot(options?: WaitForBootOptions): Promise<void> {
    return waitForBoot((command, callOptions) => this.shell(command, callOptions), options);
  }

  shell(command: string, options?: CallOptions): Promise<ShellResult> {
    return this.#guard(() => shell(this.#adb, command, options));
  }

  shellBytes(command: string, options?: CallOptions): Promise<ShellBytesResult> {
    return this.#guard(() => shellBytes(this.#adb, command, options));
  }

  push(path: string, bytes: Uint8Array, options?: CallOptions & { mode?: number }): Promise<void> {
    return this.#guard(() => push(this.#adb, path, bytes, options));
  }

  pull(path: string, options?: CallOptions): Promise<Uint8Array> {
    return this.#guard(() => pull(this.#adb, path, options));
  }

  screenshot(options?: CallOptions): Promise<Uint8Array> {
    return this.#guard(() => screenshot(this.#adb, options));
  }

  async tap(x: number, y: number, options?: CallOptions): Promise<void> {
    return await this.#input(tapCommand(x, y), options);
  }

  async swipe(x1: number, y1: number, x2: number, y2: number, durationMs?: number, options?: CallOptions): Promise<void> {
    return await this.#input(swipeCommand(x1, y1, x2, y2, durationMs), options);
  }

  async text(text: string, options?: CallOptions): Promise<void> {
    return await this.#input(textCommand(text), options);
  }

  async keyevent(key: number | string, options?: CallOptions & { longpress?: boolean }): Promise<void> {
    return await this.#input(keyeventCommand(key, { longpress: options?.longpress ?? false }), options);
  }

  install(apk: Uint8Array, options?: CallOptions): Promise<ShellResult> {
    return this.#guard(() => install(this.#adb, apk, options));
  }

  async close(): Promise<void> {
    try {
      if (!this.#gone) await this.#adb.close();
    } finally {
      this.#destroy();
    }
  }

  /** Fails at once when disconnected, and fails a call in flight when the connection drops. */
  async #guard<T>(start: () => Promise<T>): Promise<T> {
    if (this.#gone) throw new AdbConnectError(`${this.serial} is disconnected`);
    const work = start();
    work.catch(() => undefined);
    return await Promise.race([work, this.#lost]);
  }

  /** `input` prints nothing on success; over v1 (no exit code) any output means it failed. */
  async #input(command: string, options?: CallOptions): Promise<void> {
    const result = await this.shell(command, options);
    const failed = result.exitCode === undefined ? (result.stdout + result.stderr).trim() !== "" : result.exitCode !== 0;
    if (failed) throw new AdbCommandError(`${command.split(" ").slice(0, 2).join(" ")} failed: ${(result.stderr || result.stdout).trim()}`, result);
  }
}
