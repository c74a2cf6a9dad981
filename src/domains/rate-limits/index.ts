/** The rate-limits domain's one entry for other domains: IP bans. */
export { banIp, listIpBans, unbanIp, type IpBan } from "./bans.ts";
