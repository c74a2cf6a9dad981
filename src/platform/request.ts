/** What a procedure knows about the HTTP request that reached it, whatever the transport. */
export interface RequestInfo {
  requestId: string;
  ip: string;
  headers: Headers;
  method: string;
  url: string;
}

/** Where a request came from, built once per request (`ctx.meta`): what audit rows and logs record. */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  requestId: string;
}

/**
 * Who is calling (`ctx.actor`): the request's metadata and the signed-in user, null until a
 * procedure has authenticated its caller (authed procedures see it set).
 */
export interface Actor extends RequestMeta {
  userId: string | null;
}

/** The actor of an authenticated procedure. */
export interface SignedInActor extends Actor {
  userId: string;
}

export function requestMeta(request: RequestInfo): RequestMeta {
  return { ip: request.ip, userAgent: request.headers.get("user-agent"), requestId: request.requestId };
}
