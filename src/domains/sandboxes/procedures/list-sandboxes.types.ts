import { z } from "zod";
import { ID_PREFIX, ZId } from "../../../platform/ids.ts";

export const ZListSandboxesInput = z.object({ id: ZId(ID_PREFIX.workspace) });
