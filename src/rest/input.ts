import { AppError } from "../platform/errors.ts";
import type { Coercion, RestRoute } from "./routes.ts";

/**
 * Builds a procedure's input from a REST request: query string, then JSON body, then path
 * parameters (path wins: it names the resource). Strings are coerced by the input schema's types;
 * a value that will not coerce is passed through so validation names the field.
 */
export async function readRestInput(
  route: RestRoute,
  request: Request,
  url: URL,
  params: Record<string, string>,
): Promise<unknown> {
  const body = route.takesBody ? await readJsonBody(request) : undefined;
  if (!route.objectInput) return body;
  if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))) {
    throw new AppError("VALIDATION", "Request body must be a JSON object", {
      body: "must be a JSON object",
    });
  }
  const input: Record<string, unknown> = {};
  if (url.search.length > 1) {
    for (const key of new Set(url.searchParams.keys())) {
      const coercion = route.coercions[key] ?? "string";
      input[key] =
        coercion === "array"
          ? url.searchParams.getAll(key)
          : coerce(url.searchParams.get(key) as string, coercion);
    }
  }
  if (body) Object.assign(input, body);
  for (const name of route.pathParams) {
    const raw = params[name];
    if (raw !== undefined) input[name] = coerce(decodeURIComponent(raw), route.coercions[name] ?? "string");
  }
  return input;
}

function coerce(value: string, coercion: Coercion): unknown {
  if (coercion === "number") {
    const n = value.trim() === "" ? Number.NaN : Number(value);
    return Number.isNaN(n) ? value : n;
  }
  if (coercion === "boolean") {
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    return value;
  }
  return value;
}

async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Request body is not valid JSON");
  }
}
