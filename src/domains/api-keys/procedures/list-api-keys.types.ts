import { z } from "zod";
import { ZApiKeySummary } from "../api-keys.types.ts";

export const ZApiKeyList = z.object({ items: z.array(ZApiKeySummary) });
