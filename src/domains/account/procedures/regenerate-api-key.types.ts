import { z } from "zod";

export const ZApiKeyCreated = z.object({
  api_key: z.string().describe("`oc_live_…`. Shown once: store it now; only its hash is kept."),
  prefix: z.string(),
  created_at: z.date(),
});
