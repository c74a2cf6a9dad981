import { z } from "zod";
import { ZSessionId } from "../sessions.types.ts";

export const ZShellInput = z.object({ id: ZSessionId, command: z.string().min(1).max(8_000), timeout_ms: z.number().int().min(100).max(120_000).default(30_000) });
export const ZShellOutput = z.object({ exit_code: z.number().int().nullable(), stdout: z.string(), stderr: z.string() });
