/** The audit domain's one entry for other domains: searching the audit log. */
export { queryAudit, type AuditQuery } from "./service.ts";
