import { z } from "zod";

export const ZCreateWorkspaceInput = z.object({
  name: z.string().trim().min(1).max(100),
  /** A request through a sandbox's subdomain resumes a paused sandbox instead of answering 409. */
  auto_resume: z.boolean().optional(),
});
