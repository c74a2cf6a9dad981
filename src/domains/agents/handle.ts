import { createHash } from "node:crypto";
import { inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { users } from "../../../db/schema/index.ts";

/** What others see of a user: their username, or a pseudonym that is stable but says nothing else. */
export function publicHandle(userId: string, username: string | null): string {
  return username ?? `user-${createHash("sha256").update(`handle:${userId}`).digest("hex").slice(0, 10)}`;
}

/** The public handles of several users at once (one query): user id → handle. */
export async function publicHandles(db: DbOrTx, userIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(userIds)];
  const handles = new Map<string, string>();
  if (unique.length === 0) return handles;
  const rows = await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, unique));
  for (const row of rows) handles.set(row.id, publicHandle(row.id, row.username));
  return handles;
}
