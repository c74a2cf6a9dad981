export { ZSessionResponse } from "../sessions.types.ts";

export const CREATE_SESSION_DESCRIPTION =
  "Limits: 1 active session and 5 per hour per user, and DEVICE_PER_IP (default 2) live sessions per client address whatever the accounts (429); no capacity or engine down (503).";

export const CREATE_SESSION_ERRORS = {
  429: "A session is already live, SESSIONS_PER_HOUR (default 5) were started in the last hour, or DEVICE_PER_IP (default 2) sessions requested from this client address are live; Retry-After says when to try again.",
  503: "No device capacity, or the container engine is not reachable; Retry-After: 30.",
};
