import { router } from "../../trpc/init.ts";
import { listTiers } from "./procedures/list-tiers.ts";

export const computeRouter = router({
  tiers: listTiers,
});
