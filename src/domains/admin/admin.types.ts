import { z } from "zod";
import { USER_ROLES } from "../../../db/schema/index.ts";
import { DEFAULT_BAN_MINUTES, MAX_BAN_MINUTES } from "../../surfaces/compute.ts";

const ZIp = z.union([z.ipv4(), z.ipv6()]);

export const ZBan = z.object({
  ip: z.string(),
  until: z.date().describe("When the ban ends (ISO 8601)."),
});

export const ZBanList = z.object({ bans: z.array(ZBan) });

export const ZBanInput = z.object({
  ip: ZIp,
  duration_minutes: z
    .number()
    .int()
    .min(1)
    .max(MAX_BAN_MINUTES)
    .default(DEFAULT_BAN_MINUTES)
    .describe(`Defaults to ${DEFAULT_BAN_MINUTES}, the automatic ban's length.`),
});

export const ZUnbanInput = z.object({ ip: ZIp });

export const ZUnbanResponse = z.object({
  ip: z.string(),
  removed: z.boolean().describe("Whether a ban was in force."),
});

export const ZAuditQuery = z.object({
  actor_id: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  subject: z.string().min(1).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  since: z.date().optional(),
  until: z.date().optional(),
  /** `next_cursor` of the previous page. */
  cursor: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export const ZAuditItem = z.object({
  id: z.string(),
  at: z.date(),
  actor_id: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(["success", "failure"]),
  subject: z.string().nullable(),
  ip: z.string().nullable(),
  request_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const ZAuditPage = z.object({ items: z.array(ZAuditItem), next_cursor: z.string().nullable() });

export const ZSetRoleInput = z.object({ user_id: z.string().min(1), role: z.enum(USER_ROLES) });

export const ZSetRoleResponse = z.object({ user_id: z.string(), role: z.enum(USER_ROLES), previous_role: z.enum(USER_ROLES) });
