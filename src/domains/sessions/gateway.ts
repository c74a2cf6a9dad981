import { eq } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { deviceSessions, type DeviceSessionRow } from "../../../db/schema/index.ts";
import type { AndroidDevice, DeviceDriver } from "../../../drivers/device/types.ts";
import { AppError, messageOf } from "../../platform/errors.ts";

/**
 * Live ADB connections to active sessions' devices, one per session per process, opened on first
 * use and dropped when the device disconnects or the session ends.
 */
export class DeviceGateway {
  readonly #connections = new Map<string, Promise<AndroidDevice>>();

  constructor(private readonly deps: { db: Db; devices: DeviceDriver; adbKey: () => Promise<Uint8Array> }) {}

  /** The device of an active session; marks the session active now (inactivity timeout). */
  async device(session: DeviceSessionRow): Promise<AndroidDevice> {
    if (session.status !== "active" || !session.adbAddress) {
      throw new AppError("CONFLICT", `Session is ${session.status}; the device is reachable only while active`);
    }
    await this.deps.db.update(deviceSessions).set({ lastActivityAt: new Date() }).where(eq(deviceSessions.id, session.id));
    let connection = this.#connections.get(session.id);
    if (!connection) {
      const address = session.adbAddress;
      connection = (async () => {
        const key = await this.deps.adbKey();
        const device = await this.deps.devices.connect(address, key, { timeoutMs: 10_000 });
        void device.disconnected.finally(() => this.#connections.delete(session.id));
        return device;
      })();
      this.#connections.set(session.id, connection);
      connection.catch(() => this.#connections.delete(session.id));
    }
    try {
      return await connection;
    } catch (error) {
      throw new AppError("BAD_GATEWAY", `Device unreachable: ${messageOf(error)}`);
    }
  }

  async forget(sessionId: string): Promise<void> {
    const connection = this.#connections.get(sessionId);
    this.#connections.delete(sessionId);
    if (connection) await connection.then((d) => d.close()).catch(() => {});
  }

  async close(): Promise<void> {
    await Promise.all([...this.#connections.keys()].map((id) => this.forget(id)));
  }
}
