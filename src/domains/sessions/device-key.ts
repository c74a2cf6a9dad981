import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { deviceKeys } from "../../../db/schema/index.ts";
import type { DeviceKeys } from "../../../drivers/device/types.ts";
import { decryptSecret, encryptSecret } from "../../platform/crypto.ts";

const KEY_ID = "adb";

/**
 * The platform's one ADB key, the identity devices trust. Made on first use, kept encrypted in
 * the database so every replica presents the same key; loaded once per module (again after a failed load).
 */
export function createPlatformAdbKey(deps: { db: DbOrTx; signingSecret: string; keys: DeviceKeys }): () => Promise<Uint8Array> {
  let key: Promise<Uint8Array> | undefined;
  return () => {
    if (!key) {
      const loading = loadOrCreate(deps.db, deps.signingSecret, deps.keys);
      loading.catch(() => {
        if (key === loading) key = undefined;
      });
      key = loading;
    }
    return key;
  };
}

async function loadOrCreate(db: DbOrTx, signingSecret: string, keys: DeviceKeys): Promise<Uint8Array> {
  const existing = await read(db);
  if (existing) return keys.parse(new TextDecoder().decode(await decryptSecret(signingSecret, existing)));
  const sealed = await encryptSecret(signingSecret, keys.serialize(await keys.generate()));
  await db.insert(deviceKeys).values({ id: KEY_ID, privateKeyEncrypted: sealed }).onConflictDoNothing();
  // Another replica may have won the race: use whichever key was stored.
  const stored = (await read(db)) as string;
  return keys.parse(new TextDecoder().decode(await decryptSecret(signingSecret, stored)));
}

async function read(db: DbOrTx): Promise<string | null> {
  const [row] = await db.select().from(deviceKeys).where(eq(deviceKeys.id, KEY_ID)).limit(1);
  return row?.privateKeyEncrypted ?? null;
}
