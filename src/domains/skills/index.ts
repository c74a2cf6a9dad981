/** The skills domain's one entry for other domains: syncing a finished session's skills and reading them from a workspace. */
export { syncSkills } from "./sync.ts";
export { skillsFromTarball, type SkillFiles } from "./workspace-files.ts";
