export { ZSessionIdInput as ZGetSessionInput, ZSessionResponse } from "../sessions.types.ts";
