/** The storage domain's one entry for other domains: the per-user storage quota. */
export { keepUpload, pushWithinQuota, QUOTA_ERROR_DOC, storageUsed, type QuotaDeps } from "./quota.ts";
