/** The wallet domain's services other domains (stripe) call. */
export { walletDeps, requirePayments, type WalletDeps } from "./deps.ts";
export { connectStatus, startConnect } from "./connect.ts";
export { receiveWebhook } from "./webhook.ts";
export { findCheckoutSession } from "./topups.ts";
export { ZConnectLink, ZConnectStatus, type TConnectLink, type TConnectStatus } from "./wallet.types.ts";
