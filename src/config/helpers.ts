import { z } from "zod";

/** A comma-separated list; items are trimmed (then `normalize`d) and blanks dropped. Unset is the empty list. */
export function csv(normalize: (item: string) => string = (item) => item) {
  return z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((item) => normalize(item.trim()))
        .filter(Boolean),
    );
}

/** A boolean written `true`/`false`/`1`/`0`; anything else names the variable. */
export function flag(fallback: boolean) {
  return z
    .enum(["true", "false", "1", "0"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1");
}

/** A whole number from the environment, within `min`..`max`. */
export function int(options: { min: number; max?: number; fallback: number }) {
  const bounded = z.coerce.number().int().min(options.min);
  return (options.max === undefined ? bounded : bounded.max(options.max)).default(options.fallback);
}

/** A TCP port; 0 asks the system for a free one. */
export function port(fallback: number) {
  return int({ min: 0, max: 65535, fallback });
}

/**
 * The environment variables an area reads, straight from its zod object (an area is
 * `z.object({ VARIABLE: ... }).transform(toItsConfigSlice)`, so `in` is the object).
 */
export function envKeys(area: { in: { shape: object } }): string[] {
  return Object.keys(area.in.shape);
}
