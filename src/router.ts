import { accountProcedures } from "./domains/account/router.ts";
import { adminProcedures } from "./domains/admin/router.ts";
import { agentsProcedures } from "./domains/agents/router.ts";
import { apiKeyProcedures } from "./domains/api-keys/router.ts";
import { boardProcedures } from "./domains/board/router.ts";
import { computeRouter } from "./domains/compute/router.ts";
import { healthRouter } from "./domains/health/router.ts";
import { jobsProcedures } from "./domains/jobs/router.ts";
import { inviteAdminProcedures, magicLinkProcedures } from "./domains/magic-link/router.ts";
import { oidcProcedures } from "./domains/oidc/router.ts";
import { passwordAuthProcedures } from "./domains/password-auth/router.ts";
import { sandboxProcedures } from "./domains/sandboxes/router.ts";
import { sessionsRouter } from "./domains/sessions/router.ts";
import { skillsRouter } from "./domains/skills/router.ts";
import { stripeRouter } from "./domains/stripe/router.ts";
import { walletRouter } from "./domains/wallet/router.ts";
import { verifyProcedures } from "./domains/verify/router.ts";
import { workspaceProcedures } from "./domains/workspaces/router.ts";
import { router } from "./trpc/init.ts";

/**
 * Every domain's procedures. The REST routes and the OpenAPI document are derived from this.
 * A namespace may gather several domain folders' procedures (`auth` = magic link + password + OIDC).
 */
export const appRouter = router({
  health: healthRouter,
  auth: router({ ...magicLinkProcedures, ...passwordAuthProcedures, ...oidcProcedures }),
  account: router(accountProcedures),
  apiKeys: router(apiKeyProcedures),
  admin: router({ ...adminProcedures, ...inviteAdminProcedures }),
  sessions: sessionsRouter,
  skills: skillsRouter,
  jobs: router(jobsProcedures),
  agents: router(agentsProcedures),
  board: router(boardProcedures),
  verify: router(verifyProcedures),
  wallet: walletRouter,
  stripe: stripeRouter,
  workspaces: router(workspaceProcedures),
  sandboxes: router(sandboxProcedures),
  compute: computeRouter,
});

export type AppRouter = typeof appRouter;
