import { and, desc, eq, gt, isNull, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { invites } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { hashToken, randomToken } from "../../platform/tokens.ts";

/**
 * Invite codes: `inv_` + 24 base32 characters, stored as a SHA-256 hash with the first 8
 * characters kept in clear so admins can tell invites apart. The code is returned once, by create.
 */
const CODE_PREFIX = "inv_";
const DISPLAY_LENGTH = CODE_PREFIX.length + 4;

export type InviteStatus = "unused" | "used" | "revoked" | "expired";

export interface InviteSummary {
  id: string;
  code_prefix: string;
  note: string | null;
  status: InviteStatus;
  created_by: string | null;
  used_by: string | null;
  used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date | null;
  created_at: Date;
}

type InviteRow = typeof invites.$inferSelect;

/** Codes are typed by people: surrounding space and letter case do not matter. */
function inviteHash(code: string): string {
  return hashToken(code.trim().toLowerCase());
}

export async function createInvite(
  db: DbOrTx,
  input: { createdBy: string; note?: string | null; expiresInDays?: number | null },
): Promise<{ code: string; invite: InviteSummary }> {
  const code = `${CODE_PREFIX}${randomToken(15)}`;
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const [row] = await db
    .insert(invites)
    .values({
      id: newId("inv"),
      codeHash: inviteHash(code),
      codePrefix: code.slice(0, DISPLAY_LENGTH),
      note: input.note ?? null,
      createdBy: input.createdBy,
      expiresAt,
    })
    .returning();
  return { code, invite: toSummary(row as InviteRow) };
}

/** Newest first; `cursor` is the id of the previous page's last invite. */
export async function listInvites(
  db: DbOrTx,
  input: { limit: number; cursor?: string },
): Promise<{ invites: InviteSummary[]; nextCursor: string | null }> {
  let where: SQL | undefined;
  if (input.cursor) {
    const [anchor] = await db.select({ createdAt: invites.createdAt }).from(invites).where(eq(invites.id, input.cursor)).limit(1);
    if (anchor) where = sql`(${invites.createdAt}, ${invites.id}) < (${anchor.createdAt}, ${input.cursor})`;
  }
  const rows = await db
    .select()
    .from(invites)
    .where(where)
    .orderBy(desc(invites.createdAt), desc(invites.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit).map(toSummary);
  return { invites: page, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
}

/** Revoking twice is a no-op; a used invite cannot be revoked (409). */
export async function revokeInvite(db: DbOrTx, id: string): Promise<InviteSummary> {
  const [revoked] = await db
    .update(invites)
    .set({ revokedAt: new Date() })
    .where(and(eq(invites.id, id), isNull(invites.revokedAt), isNull(invites.usedAt)))
    .returning();
  if (revoked) return toSummary(revoked);
  const [existing] = await db.select().from(invites).where(eq(invites.id, id)).limit(1);
  if (!existing) throw new AppError("NOT_FOUND", "Invite not found");
  if (existing.usedAt && !existing.revokedAt) throw new AppError("CONFLICT", "Invite has already been used");
  return toSummary(existing);
}

function usable(now: Date): SQL {
  return and(
    isNull(invites.usedAt),
    isNull(invites.revokedAt),
    or(isNull(invites.expiresAt), gt(invites.expiresAt, now)),
  ) as SQL;
}

/** The id of the invite behind a code, if it can still be used; null for anything else. */
export async function findUsableInvite(db: DbOrTx, code: string): Promise<string | null> {
  const [row] = await db
    .select({ id: invites.id })
    .from(invites)
    .where(and(eq(invites.codeHash, inviteHash(code)), usable(new Date())))
    .limit(1);
  return row?.id ?? null;
}

export type InviteRefusal = "invite_required" | "invite_invalid";

/**
 * The invite rule of every sign-up path (magic link, password registration): while REQUIRE_INVITES
 * is on, a new account needs a usable invite code. `exempt` carries a path's own exceptions (the
 * magic link signs existing accounts and ADMIN_EMAILS addresses in without one). The invite
 * returned is the one to spend on the new account (consumeInvite); null when none is needed.
 */
export async function checkSignUpInvite(
  db: DbOrTx,
  input: { requireInvites: boolean; inviteCode: string | undefined; exempt: boolean },
): Promise<{ inviteId: string | null } | { refused: InviteRefusal }> {
  if (!input.requireInvites || input.exempt) return { inviteId: null };
  if (!input.inviteCode) return { refused: "invite_required" };
  const inviteId = await findUsableInvite(db, input.inviteCode);
  return inviteId ? { inviteId } : { refused: "invite_invalid" };
}

/** The 403 of a refused sign-up (and of an invite spent by someone else in the meantime). */
export function inviteRefusedError(reason: InviteRefusal): AppError {
  return new AppError(
    "FORBIDDEN",
    reason === "invite_invalid" ? "Invite code is invalid, expired or already used" : "An invite code is required to sign up",
  );
}

/** Atomically spends the invite on this user; false when someone else got there first. */
export async function consumeInvite(db: DbOrTx, input: { inviteId: string; userId: string }): Promise<boolean> {
  const now = new Date();
  const rows = await db
    .update(invites)
    .set({ usedBy: input.userId, usedAt: now })
    .where(and(eq(invites.id, input.inviteId), usable(now)))
    .returning({ id: invites.id });
  return rows.length === 1;
}

function statusOf(row: InviteRow, now: number): InviteStatus {
  if (row.usedAt) return "used";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now) return "expired";
  return "unused";
}

function toSummary(row: InviteRow): InviteSummary {
  return {
    id: row.id,
    code_prefix: row.codePrefix,
    note: row.note,
    status: statusOf(row, Date.now()),
    created_by: row.createdBy,
    used_by: row.usedBy,
    used_at: row.usedAt,
    revoked_at: row.revokedAt,
    expires_at: row.expiresAt,
    created_at: row.createdAt,
  };
}
