import { z } from "zod";
import { ZCoordinate, ZSessionId } from "../sessions.types.ts";

export { ZOk } from "../sessions.types.ts";
export const ZTapInput = z.object({ id: ZSessionId, x: ZCoordinate, y: ZCoordinate });
