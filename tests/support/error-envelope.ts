import type { Surface } from "../../src/trpc/meta.ts";

/**
 * Whether an error body is its surface's documented envelope (src/surfaces/, the OpenAPI
 * error schemas): mobile `{ error, code? }`, hosting `{ error: { code, message, details? } }`, the
 * others `{ error }`; validation `details` and a 5xx's `request_id` may ride along. Null when it is.
 */
export function envelopeProblem(surface: Surface, body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body === "" ? "empty body" : "body is not JSON";
  }
  if (!isRecord(parsed)) return "body is not a JSON object";
  if (surface === "hosting") {
    if (!onlyKeys(parsed, ["error"])) return "hosting envelope has keys besides error";
    const error = parsed.error;
    if (!isRecord(error)) return "hosting error is not an object";
    if (typeof error.code !== "string" || typeof error.message !== "string") return "hosting error lacks code or message";
    if (!onlyKeys(error, ["code", "message", "details", "request_id"])) return "hosting error has undocumented keys";
    if (error.details !== undefined && !isRecord(error.details)) return "hosting error details is not an object";
    return null;
  }
  if (typeof parsed.error !== "string") return "error is not a string";
  const allowed = surface === "mobile" ? ["error", "code", "details", "request_id"] : ["error", "details", "request_id"];
  if (!onlyKeys(parsed, allowed)) return `${surface} envelope has undocumented keys: ${Object.keys(parsed).join(", ")}`;
  if (parsed.code !== undefined && typeof parsed.code !== "string") return "code is not a string";
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}
