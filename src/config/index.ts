import { CONFIG_AREAS, composeConfig, type Config, type ConfigAreas } from "./areas.ts";
import { crossAreaProblems } from "./rules.ts";

export { CONFIG_AREAS, CONFIG_ENV_KEYS, type Config } from "./areas.ts";

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment once, every area against the same variables, and reports every bad
 * variable at once. Empty strings count as unset, as in most .env loaders.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== "") env[key] = value;
  }
  const problems: string[] = [];
  const slices: Record<string, unknown> = {};
  for (const [name, area] of Object.entries(CONFIG_AREAS)) {
    const parsed = area.safeParse(env);
    if (parsed.success) slices[name] = parsed.data;
    else problems.push(...parsed.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Every area parsed, so each slot holds its area's output.
  const config = composeConfig(slices as ConfigAreas);
  const crossArea = crossAreaProblems(config);
  if (crossArea.length > 0) throw new ConfigError(crossArea);
  return config;
}
