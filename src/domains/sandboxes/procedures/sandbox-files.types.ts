import { z } from "zod";
import { ZSandboxId } from "../sandboxes.types.ts";

/** An absolute path in the sandbox. */
export const ZSandboxPath = z.string().min(2).max(4096).regex(/^\/[^\0]*$/, "an absolute path");

export const ZReadFileInput = z.object({ id: ZSandboxId, path: ZSandboxPath });
export const ZReadFileOutput = z.object({ path: z.string(), size: z.number().int(), content_base64: z.string() });

/** 8 MiB of content, base64. */
export const WRITE_FILE_MAX_BASE64 = Math.ceil((8 * 1024 * 1024) / 3) * 4;
export const ZWriteFileInput = z.object({
  id: ZSandboxId,
  path: ZSandboxPath,
  content_base64: z.base64().max(WRITE_FILE_MAX_BASE64),
});
export const ZWriteFileOutput = z.object({ path: z.string(), size: z.number().int() });
