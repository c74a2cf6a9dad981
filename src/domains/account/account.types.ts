import { z } from "zod";
import { USER_ROLES } from "../../../db/schema/index.ts";

/** Bounds of `session_timeout_min`, minutes of idle time before a device session ends. */
export const SESSION_TIMEOUT_MIN = { min: 5, max: 240 } as const;

export const ZProfile = z.object({
  id: z.string(),
  email: z.string(),
  display_name: z.string().nullable(),
  recording_opt_in: z.boolean(),
  session_timeout_min: z.number().int(),
  role: z.enum(USER_ROLES),
  created_at: z.date(),
  api_key: z
    .object({ prefix: z.string(), created_at: z.date() })
    .nullable()
    .describe("The account's current key, by its display prefix; never the key or its hash."),
});
export type TProfile = z.infer<typeof ZProfile>;

export const ZUpdateProfileInput = z.object({
  display_name: z.string().trim().min(1).max(80).nullable().optional().describe("1–80 characters; null clears it."),
  recording_opt_in: z.boolean().optional(),
  session_timeout_min: z
    .number()
    .int()
    .min(SESSION_TIMEOUT_MIN.min)
    .max(SESSION_TIMEOUT_MIN.max)
    .optional()
    .describe(`Whole minutes, ${SESSION_TIMEOUT_MIN.min}–${SESSION_TIMEOUT_MIN.max}.`),
});
export type TUpdateProfileInput = z.infer<typeof ZUpdateProfileInput>;
