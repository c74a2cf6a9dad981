import { AppError } from "../platform/errors.ts";
import { middleware } from "./init.ts";

/**
 * Text no procedure wants: U+0000 (PostgreSQL cannot store it in text or jsonb), the other C0
 * controls except tab, newline and carriage return, and lone UTF-16 surrogates (invalid Unicode,
 * refused by jsonb and silently mangled on the way to a text column). Checked once on the raw
 * input of every procedure, REST and tRPC alike, strings and object keys at any depth, so a bad
 * byte is a 400 naming the field instead of a database error.
 */
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

export interface TextProblem {
  field: string;
  message: string;
}

function problemIn(text: string): string | null {
  const control = FORBIDDEN_CONTROL.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    return `must not contain control characters (U+${code} at index ${control.index})`;
  }
  if (!text.isWellFormed()) return "must be valid Unicode (it contains a lone surrogate)";
  return null;
}

/** The first unwanted character in `value`, walked without recursion (input may nest deeply). */
export function findTextProblem(value: unknown): TextProblem | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: "" }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: string };
    if (typeof current === "string") {
      const message = problemIn(current);
      if (message) return { field: path || "body", message };
      continue;
    }
    if (typeof current !== "object" || current === null) continue;
    const entries: Iterable<[unknown, unknown]> | null = Array.isArray(current)
      ? current.entries()
      : current instanceof Map
        ? current.entries()
        : current instanceof Set
          ? [...current].entries()
          : isPlainObject(current)
            ? Object.entries(current)
            : null;
    if (!entries) continue;
    for (const [key, child] of entries) {
      const name = String(key);
      const at = path ? `${path}.${name}` : name;
      if (typeof key === "string") {
        const message = problemIn(key);
        if (message) return { field: at, message: `field name ${message}` };
      }
      stack.push({ value: child, path: at });
    }
  }
  return null;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** 400 (the surface's validation envelope) naming the first field that carries unwanted text. */
export const rejectUnwantedText = middleware(async ({ getRawInput, next }) => {
  const problem = findTextProblem(await getRawInput());
  if (problem) {
    throw new AppError("VALIDATION", `Validation failed: ${problem.field}: ${problem.message}`, { [problem.field]: problem.message });
  }
  return next();
});
