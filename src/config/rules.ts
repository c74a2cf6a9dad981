import type { Config } from "./areas.ts";

/** Rules that span areas, checked once every area has parsed; each problem starts with the variable to set. */
export function crossAreaProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.env === "production" && !config.smtpUrl) {
    // Without a mailer a sign-in link could only be handed out in the response, to whoever asked.
    problems.push("SMTP_URL: required when NODE_ENV=production (sign-in links must be e-mailed)");
  }
  return problems;
}
