import { changePassword } from "./procedures/change-password.ts";
import { getCurrentUser } from "./procedures/get-current-user.ts";
import { logInWithPassword } from "./procedures/log-in-with-password.ts";
import { logOut } from "./procedures/log-out.ts";
import { registerAccount } from "./procedures/register-account.ts";

/** Workspaces password sign-in: /api/auth/register, login, logout, me; tRPC auth.changePassword. */
export const passwordAuthProcedures = {
  register: registerAccount,
  login: logInWithPassword,
  logout: logOut,
  me: getCurrentUser,
  changePassword,
};
