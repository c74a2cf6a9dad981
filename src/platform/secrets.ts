import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config/index.ts";

const FILE = "signing-secret";

/**
 * The configured SIGNING_SECRET, else one generated once (32 random bytes, hex) and kept in
 * `<dataDir>/signing-secret` with mode 0600, so signed links survive restarts.
 */
export async function loadSigningSecret(config: Pick<Config, "signingSecret" | "dataDir">): Promise<string> {
  if (config.signingSecret) return config.signingSecret;
  const path = join(config.dataDir, FILE);
  const existing = await readSecret(path);
  if (existing !== undefined) return existing;

  await mkdir(config.dataDir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(tmp, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  await chmod(tmp, 0o600);
  try {
    // link() publishes the complete file or fails with EEXIST: two processes starting together
    // agree on whichever secret landed first.
    await link(tmp, path);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  } finally {
    await rm(tmp, { force: true });
  }
  const secret = await readSecret(path);
  if (secret === undefined) throw new Error(`Could not create the signing secret at ${path}`);
  return secret;
}

async function readSecret(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < 32) {
    throw new Error(`The signing secret in ${path} is shorter than 32 characters; delete it to generate a new one`);
  }
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  return secret;
}
