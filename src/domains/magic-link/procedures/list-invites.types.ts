import { z } from "zod";
import { ZInviteSummary } from "../magic-link.types.ts";

export const ZListInvitesInput = z
  .object({
    limit: z.number().int().min(1).max(500).default(100),
    cursor: z.string().optional(),
  })
  .default({ limit: 100 });

export const ZListInvitesResponse = z.object({
  invites: z.array(ZInviteSummary),
  next_cursor: z.string().nullable(),
});
