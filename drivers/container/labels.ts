import type { Labels } from "./types.ts";

/** Whether `have` carries every label of `want` with the same value (Docker's meaning of a label filter). */
export function hasLabels(have: Labels, want: Labels): boolean {
  return Object.entries(want).every(([key, value]) => have[key] === value);
}
