import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_AREAS, CONFIG_ENV_KEYS, ConfigError, loadConfig } from "../../src/config/index.ts";
import { envKeys } from "../../src/config/helpers.ts";

const root = join(import.meta.dir, "..", "..");

/** `NAME=value  # comment` lines of .env.example, as the variables and values a copy of it would set. */
function envExample(): Map<string, string> {
  const variables = new Map<string, string>();
  for (const line of readFileSync(join(root, ".env.example"), "utf8").split("\n")) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) variables.set(match[1], (match[2] ?? "").replace(/\s+#.*$/, "").trim());
  }
  return variables;
}

/** Variables named in the first column of the README's configuration table. */
function readmeTableVariables(): Set<string> {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"));
  const table = section.slice(0, section.indexOf("\n## ", 1));
  const names = new Set<string>();
  for (const row of table.split("\n").filter((line) => line.startsWith("| `"))) {
    const firstCell = row.split("|")[1] ?? "";
    for (const name of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(name[1] ?? "");
  }
  return names;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration documents", () => {
  test("each variable is read by exactly one area", () => {
    const readers = new Map<string, string[]>();
    for (const [name, area] of Object.entries(CONFIG_AREAS)) {
      for (const key of envKeys(area)) readers.set(key, [...(readers.get(key) ?? []), name]);
    }
    const shared = [...readers].filter(([, areas]) => areas.length > 1).map(([key, areas]) => `${key}: ${areas.join(", ")}`);
    expect(shared).toEqual([]);
    expect(CONFIG_ENV_KEYS.length).toBe(readers.size);
  });

  test(".env.example lists every variable the schemas read, and only those", () => {
    const documented = [...envExample().keys()];
    expect(CONFIG_ENV_KEYS.filter((key) => !documented.includes(key))).toEqual([]);
    expect(documented.filter((key) => !CONFIG_ENV_KEYS.includes(key))).toEqual([]);
  });

  test("the values written in .env.example are the defaults (a copy of it changes nothing)", () => {
    const set = Object.fromEntries(envExample());
    expect(loadConfig(set)).toEqual(loadConfig({}));
  });

  test("the README configuration table names every variable the schemas read, and only those", () => {
    const documented = readmeTableVariables();
    expect(CONFIG_ENV_KEYS.filter((key) => !documented.has(key))).toEqual([]);
    expect([...documented].filter((key) => !CONFIG_ENV_KEYS.includes(key))).toEqual([]);
  });
});

describe("configuration areas", () => {
  test("bad values in several areas are reported together, each naming its variable", () => {
    const problems = problemsOf({ PORT: "eighty", REDIS_URL: "http://x", REQUIRE_INVITES: "yes", DEVICE_CAPACITY: "-1", S3_ENDPOINT: "nope" });
    for (const key of ["PORT", "REDIS_URL", "REQUIRE_INVITES", "DEVICE_CAPACITY", "S3_ENDPOINT"]) {
      expect(problems.some((problem) => problem.startsWith(`${key}: `))).toBe(true);
    }
  });

  test("lists and flags: trimmed, blanks dropped, admin e-mails lower-cased; true/false/1/0", () => {
    const config = loadConfig({ ADMIN_EMAILS: " Ann@Example.COM, ,bob@x.test", TRUSTED_PROXIES: "10.0.0.1,", REQUIRE_INVITES: "1", SKILL_SHARING: "0" });
    expect(config.identity.adminEmails).toEqual(["ann@example.com", "bob@x.test"]);
    expect(config.trustedProxies).toEqual(["10.0.0.1"]);
    expect(config.identity.requireInvites).toBe(true);
    expect(config.skillSharing).toBe(false);
    expect(loadConfig({}).identity.requireInvites).toBe(false);
    expect(loadConfig({}).skillSharing).toBe(true);
  });

  test("empty strings count as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "" })).toEqual(loadConfig({}));
  });

  test("devices and sessions fill Config.devices; auth and sign-in providers fill Config.identity", () => {
    const config = loadConfig({ DEVICE_CAPACITY: "7", USER_STORAGE_QUOTA_MB: "2", JWT_KEY_ID: "k2" });
    expect(config.devices.capacity).toBe(7);
    expect(config.devices.storageQuotaBytes).toBe(2 * 1024 * 1024);
    expect(config.identity.jwtKeyId).toBe("k2");
    expect(config.identity.github).toBeUndefined();
  });
});

describe("rules across and within areas", () => {
  test("production needs SMTP_URL", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toEqual([
      "SMTP_URL: required when NODE_ENV=production (sign-in links must be e-mailed)",
    ]);
    expect(problemsOf({ NODE_ENV: "production", SMTP_URL: "smtps://mail.example.test" })).toEqual([]);
  });

  test("S3 is on only with a bucket; the other S3 settings alone leave blobs on disk", () => {
    expect(loadConfig({ S3_REGION: "auto", S3_ACCESS_KEY_ID: "id" }).s3).toBeUndefined();
    expect(loadConfig({ S3_BUCKET: "b", S3_REGION: "auto" }).s3).toEqual({
      bucket: "b",
      endpoint: undefined,
      region: "auto",
      accessKeyId: undefined,
      secretAccessKey: undefined,
    });
  });

  test("GitHub sign-in needs id and secret; OIDC needs issuer and client id", () => {
    expect(loadConfig({ GITHUB_CLIENT_ID: "id" }).identity.github).toBeUndefined();
    expect(loadConfig({ GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "s" }).identity.github).toEqual({
      clientId: "id",
      clientSecret: "s",
      oauthUrl: "https://github.com",
      apiUrl: "https://api.github.com",
    });
    expect(loadConfig({ OIDC_ISSUER: "https://idp.example.test" }).identity.oidc).toBeUndefined();
    expect(loadConfig({ OIDC_ISSUER: "https://idp.example.test", OIDC_CLIENT_ID: "c" }).identity.oidc).toEqual({
      issuer: "https://idp.example.test",
      clientId: "c",
      clientSecret: undefined,
    });
  });
});
