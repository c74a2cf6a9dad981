import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { AppError } from "../../platform/errors.ts";

/** One skill's files as read from a workspace: `skills/<name>/…`, paths relative to the skill. */
export interface SkillFiles {
  name: string;
  files: Map<string, Uint8Array>;
}

const SKILL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

export function isValidSkillName(name: string): boolean {
  return SKILL_NAME.test(name) && name !== "." && name !== "..";
}

/** Groups a workspace tarball's `skills/<name>/<path>` entries by skill; other entries are ignored. */
export async function skillsFromTarball(tarball: Uint8Array<ArrayBuffer>): Promise<SkillFiles[]> {
  const byName = new Map<string, SkillFiles>();
  if (tarball.byteLength === 0) return [];
  let entries: Map<string, File>;
  try {
    entries = await new Bun.Archive(tarball).files();
  } catch (error) {
    throw new AppError("BAD_GATEWAY", `Workspace archive could not be read: ${String(error)}`);
  }
  for (const [rawPath, file] of entries) {
    const path = rawPath.replace(/^\.\//, "");
    const match = /^skills\/([^/]+)\/(.+)$/.exec(path);
    if (!match) continue;
    const [, name, inner] = match as unknown as [string, string, string];
    if (!isValidSkillName(name) || inner.split("/").some((part) => part === ".." || part === "")) continue;
    let skill = byName.get(name);
    if (!skill) byName.set(name, (skill = { name, files: new Map() }));
    skill.files.set(inner, new Uint8Array(await file.arrayBuffer()));
  }
  // A folder without SKILL.md is not a skill yet.
  return [...byName.values()].filter((s) => s.files.has("SKILL.md"));
}

/** Content hash over sorted (path, bytes) pairs: equal content, equal hash, whatever the file order. */
export function contentHash(files: Map<string, Uint8Array>): string {
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const path of [...files.keys()].sort()) {
    const bytes = files.get(path) as Uint8Array;
    parts.push(encoder.encode(`${path}\u0000${bytes.byteLength}\u0000`), bytes);
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return encodeHexLowerCase(sha256(joined));
}

export function totalSize(files: Map<string, Uint8Array>): number {
  let size = 0;
  for (const bytes of files.values()) size += bytes.byteLength;
  return size;
}

/** The description: the first non-heading line of SKILL.md, or its `description:` front-matter field. */
export function describeSkill(files: Map<string, Uint8Array>): string | null {
  const text = new TextDecoder().decode(files.get("SKILL.md") ?? new Uint8Array());
  const front = /^---\n([\s\S]*?)\n---/.exec(text);
  const fromFront = front?.[1]?.split("\n").find((l) => l.startsWith("description:"));
  if (fromFront) return fromFront.slice("description:".length).trim().slice(0, 300) || null;
  const line = text
    .replace(/^---\n[\s\S]*?\n---\n?/, "")
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
  return line ? line.slice(0, 300) : null;
}
