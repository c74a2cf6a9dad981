import { authedProcedure } from "../../../trpc/procedures.ts";
import { getBalance as readBalance } from "../balance.ts";
import { walletDeps } from "../deps.ts";
import { ZBalance, ZBalanceInput } from "../wallet.types.ts";

export const getBalance = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/wallet/balance",
      surface: "market",
      summary: "Wallet balance and ledger",
      description:
        "Your wallet in cents (JSON numbers): `available_cents` (spendable on jobs), `held_cents` (in escrow or reserved for jobs being paid), `withdrawable_cents` (earnings minus withdrawals in flight), and `ledger`, your newest entries first. Entries are paged by cursor: `?limit=1..100` (default 25) and `?cursor=` set to the previous answer's `next_cursor` (null on the last page).",
      auth: ["bearer", "cookie"],
    },
  })
  .input(ZBalanceInput)
  .output(ZBalance)
  .query(({ ctx, input }) => {
    const deps = walletDeps(ctx.services);
    return readBalance({ db: deps.db, ledger: deps.ledger }, ctx.auth.userId, { limit: input.limit, cursor: input.cursor });
  });
