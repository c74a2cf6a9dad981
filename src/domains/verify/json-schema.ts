import { z } from "zod";

/** The schema as a validator, or the reason it cannot be one (checked when the spec is submitted: a 400). */
export function compileJsonSchema(schema: Record<string, unknown>): { ok: true; validator: z.ZodType } | { ok: false; problem: string } {
  try {
    return { ok: true, validator: z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]) };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Each problem as `path: message`, at most `limit` of them. */
export function schemaProblems(validator: z.ZodType, value: unknown, limit = 20): string[] {
  const result = validator.safeParse(value);
  if (result.success) return [];
  return result.error.issues.slice(0, limit).map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`);
}
