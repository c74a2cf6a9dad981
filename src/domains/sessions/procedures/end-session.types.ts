export { ZSessionIdInput as ZEndSessionInput, ZSessionResponse } from "../sessions.types.ts";
