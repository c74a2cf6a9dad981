import { AppError } from "../platform/errors.ts";
import { declaresBody, isJsonContentType, readBodyText, unsupportedMediaType } from "./body-limits.ts";
import type { Coercion, RestRoute } from "./routes.ts";

/**
 * Builds a procedure's input from a REST request: query string, then JSON body, then path
 * parameters (path wins: it names the resource). Strings are coerced by the input schema's types;
 * a value that will not coerce is passed through so validation names the field. A promise only
 * when there is a body to read: JSON (415 otherwise), up to the route's limit (413 past it).
 */
export function readRestInput(route: RestRoute, request: Request, params: Record<string, string>): unknown {
  if (!route.takesBody || !declaresBody(request.headers)) return inputFrom(route, request.url, undefined, params);
  const contentType = request.headers.get("content-type");
  if (!isJsonContentType(contentType)) throw unsupportedMediaType(contentType);
  const raw = route.meta.rawBody;
  if (raw) return readBodyText(request, route.body.maxBytes).then((text) => ({ [raw.field]: text }));
  return readJsonBody(request, route.body.maxBytes).then((body) => inputFrom(route, request.url, body, params));
}

function inputFrom(route: RestRoute, url: string, body: unknown, params: Record<string, string>): unknown {
  if (!route.objectInput) return body;
  if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))) {
    throw new AppError("VALIDATION", "Request body must be a JSON object", {
      body: "must be a JSON object",
    });
  }
  const input: Record<string, unknown> = {};
  // Most requests carry no query string: no URL parse for them.
  const queryAt = url.indexOf("?");
  if (queryAt >= 0 && queryAt < url.length - 1) {
    const query = new URLSearchParams(url.slice(queryAt + 1));
    for (const key of new Set(query.keys())) {
      const coercion = route.coercions[key] ?? "string";
      input[key] = coercion === "array" ? query.getAll(key) : coerce(query.get(key) as string, coercion);
    }
  }
  if (body) Object.assign(input, body);
  for (const name of route.pathParams) {
    const raw = params[name];
    // Path parameters arrive decoded (Bun's router decodes them once; decoding again would turn
    // `%2520` into a space and fail on a literal `%`).
    if (raw !== undefined) input[name] = coerce(raw, route.coercions[name] ?? "string");
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

async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readBodyText(request, maxBytes);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Request body is not valid JSON");
  }
}
