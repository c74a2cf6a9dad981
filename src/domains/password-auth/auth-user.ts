import type { UserRow } from "../../../db/schema/index.ts";
import type { TAuthUser } from "./password-auth.types.ts";

/** The user as the workspaces surface prints it. */
export function toAuthUser(user: UserRow): TAuthUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    display_name: user.displayName,
    role: user.role,
  };
}
