/**
 * The container driver's one error. `code` says what kind of failure it was, in the terms the
 * driver contract (types.ts) documents; the domain that calls the driver maps it to its own errors.
 */
export type ContainerErrorCode =
  /** No such container, volume or image. */
  | "NOT_FOUND"
  /** Name in use, wrong state, volume in use, port taken. */
  | "CONFLICT"
  /** The engine does not answer. */
  | "UNAVAILABLE"
  /** The engine refused the request (bad name, spec or reference). */
  | "BAD_REQUEST"
  /** Any other engine failure. */
  | "BAD_GATEWAY";

export class ContainerError extends Error {
  override readonly name = "ContainerError";
  constructor(
    readonly code: ContainerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isContainerError(value: unknown): value is ContainerError {
  return value instanceof ContainerError;
}
