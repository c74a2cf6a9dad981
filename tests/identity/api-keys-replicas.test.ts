import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * Two replicas on one database (and, with REDIS_URL, one Redis): a key revoked on A is refused on
 * B within a second. Without Redis each process has its own events bus, so B only refuses a key it
 * has not cached yet; in-process mode is a single replica by design.
 */
const sharedBus = Boolean(process.env.REDIS_URL);

let a: TestPlatform;
let b: TestPlatform;
beforeAll(async () => {
  a = await startTestPlatform();
  b = await startTestPlatform({ database: a.database });
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

async function refusedWithin(platform: TestPlatform, key: string, ms: number): Promise<number> {
  const began = performance.now();
  while (performance.now() - began < ms) {
    const status = await platform.client(key).apiKeys.list.query().then(
      () => 200,
      () => 401,
    );
    if (status === 401) return performance.now() - began;
    await Bun.sleep(25);
  }
  return Number.POSITIVE_INFINITY;
}

describe("revocation across replicas", () => {
  test.skipIf(!sharedBus)("revoked on A, refused on B within a second although B had cached it", async () => {
    const { key, keyId } = await createUserWithKey(a);
    // B resolves (and caches) the key first.
    expect((await b.client(key).apiKeys.list.query()).items).toHaveLength(1);
    await a.client(key).apiKeys.revoke.mutate({ id: keyId });
    expect(await refusedWithin(b, key, 1000)).toBeLessThan(1000);
  });

  test("revoked on A, refused on B when B had not seen it", async () => {
    const { key, keyId } = await createUserWithKey(a);
    await a.client(key).apiKeys.revoke.mutate({ id: keyId });
    expect(await refusedWithin(b, key, 1000)).toBeLessThan(1000);
  });
});
