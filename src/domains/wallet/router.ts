import { router } from "../../trpc/init.ts";
import { createTopup } from "./procedures/create-topup.ts";
import { getBalance } from "./procedures/get-balance.ts";
import { withdraw } from "./procedures/withdraw.ts";

export const walletRouter = router({
  balance: getBalance,
  topup: createTopup,
  withdraw,
});
