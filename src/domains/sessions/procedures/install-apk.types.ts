import { z } from "zod";
import { ZBase64, ZSessionId } from "../sessions.types.ts";

export const ZInstallInput = z.object({ id: ZSessionId, apk_base64: ZBase64(4, 200_000_000), filename: z.string().max(200).optional() });
export const ZInstallOutput = z.object({ ok: z.boolean(), output: z.string(), object_key: z.string() });
