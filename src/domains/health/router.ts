import { router } from "../../trpc/init.ts";
import { checkComputeHealth } from "./procedures/check-compute-health.ts";
import { checkHostingHealth } from "./procedures/check-hosting-health.ts";
import { watchHealth } from "./procedures/watch-health.ts";

export const healthRouter = router({
  compute: checkComputeHealth,
  hosting: checkHostingHealth,
  watch: watchHealth,
});
