/** Who a request acts as, however it signed in. Resolved lazily, once per request. */
export interface Principal {
  userId: string;
  email: string;
  role: "user" | "admin";
  displayName: string | null;
  method: "session" | "jwt" | "api_key";
  /** The session, token or key id that proved it (never the secret). */
  credentialId: string;
}
