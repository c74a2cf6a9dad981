import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

const GROUP_AND_OTHERS = 0o077;

/**
 * DATA_DIR private to the server's user: created 0700, and every directory and file already under
 * it stripped of group and other permissions (an older tree, or PGlite's initial files, which it
 * writes 0666 whatever the umask). Symbolic links are left alone: their targets are not ours.
 */
export function makeDataDirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tightenTree(dir);
}

/** Removes group and other permissions from `path` and everything under it. */
export function tightenTree(path: string): void {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats || stats.isSymbolicLink()) return;
  if ((stats.mode & GROUP_AND_OTHERS) !== 0) chmodSync(path, stats.mode & 0o7700);
  if (!stats.isDirectory()) return;
  for (const name of readdirSync(path)) tightenTree(join(path, name));
}
