import { ContainerError, isContainerError } from "./errors.ts";

/** The fields docker-modem puts on a failed request (its errors are plain `Error`s). */
interface EngineError {
  message: string;
  statusCode?: number;
  code?: string;
  json?: unknown;
}

/** What the failing call was about, for the NOT_FOUND message. */
export interface ErrorSubject {
  kind: "container" | "image" | "volume" | "exec";
  ref: string;
}

// Podman answers 500 where Docker answers 409 for these.
const CONFLICT_MESSAGES = /already in use|state improper|is being used|is not running|is paused|conflict/i;

export function statusOf(error: unknown): number | undefined {
  return asEngineError(error)?.statusCode;
}

/** Maps a dockerode/docker-modem rejection onto the driver's `ContainerError`. */
export function toContainerError(error: unknown, subject: ErrorSubject, engineUrl: string): ContainerError {
  if (isContainerError(error)) return error;
  const engine = asEngineError(error);
  if (!engine) return new ContainerError("BAD_GATEWAY", `container engine at ${engineUrl} failed: ${String(error)}`);
  const detail = engineMessage(engine);
  switch (engine.statusCode) {
    case undefined:
      return new ContainerError(
        "UNAVAILABLE",
        `container engine at ${engineUrl} is unreachable (${engine.code ?? engine.message})`,
      );
    case 404:
      return new ContainerError("NOT_FOUND", `${subject.kind} ${subject.ref} not found: ${detail}`);
    case 409:
      return new ContainerError("CONFLICT", `${subject.kind} ${subject.ref}: ${detail}`);
    case 400:
      return new ContainerError("BAD_REQUEST", `container engine refused the request for ${subject.kind} ${subject.ref}: ${detail}`);
    default:
      if (CONFLICT_MESSAGES.test(detail)) return new ContainerError("CONFLICT", `${subject.kind} ${subject.ref}: ${detail}`);
      return new ContainerError(
        "BAD_GATEWAY",
        `container engine failed (HTTP ${engine.statusCode}) for ${subject.kind} ${subject.ref}: ${detail}`,
      );
  }
}

function asEngineError(error: unknown): EngineError | undefined {
  if (!(error instanceof Error)) return undefined;
  const fields = error as Error & { statusCode?: unknown; code?: unknown; json?: unknown };
  return {
    message: error.message,
    statusCode: typeof fields.statusCode === "number" ? fields.statusCode : undefined,
    code: typeof fields.code === "string" ? fields.code : error.name === "AbortError" ? "timed out" : undefined,
    json: fields.json,
  };
}

/** The engine's own message (`{ message }` body) rather than docker-modem's "(HTTP code …)" wrapper. */
function engineMessage(engine: EngineError): string {
  const body = engine.json;
  if (body && typeof body === "object" && "message" in body && typeof body.message === "string") return body.message;
  return engine.message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").trim();
}
