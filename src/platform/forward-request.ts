/**
 * Sends a client's request on to `target` as a streaming reverse proxy does: the body streamed as
 * it arrives (half-duplex), redirects and content encoding passed back untouched, and the upstream
 * call aborted when the client goes away. The subdomain proxy and the Anthropic proxy both use it;
 * each maps a failure to its own error shape.
 */
export function forwardRequest(request: Request, target: string, headers: HeadersInit): Promise<Response> {
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return fetch(target, {
    method: request.method,
    headers,
    body: hasBody ? request.body : undefined,
    redirect: "manual",
    decompress: false,
    signal: request.signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}
