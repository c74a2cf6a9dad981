/**
 * Just enough HTTP/1.1 response framing for a keep-alive load generator with one request in
 * flight per connection: where a response ends (Content-Length, chunked, or no body) and its status.
 */
const HEADER_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[ \t]*[^\r]*chunked/i;

export interface Framed {
  /** Bytes the complete response occupies; -1 while incomplete. */
  length: number;
  status: number;
}

const INCOMPLETE: Framed = { length: -1, status: 0 };

export function frameResponse(buffer: Buffer): Framed {
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd < 0) return INCOMPLETE;
  const head = buffer.toString("latin1", 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const bodyStart = headerEnd + 4;
  const contentLength = CONTENT_LENGTH.exec(head);
  if (contentLength) {
    const length = bodyStart + Number(contentLength[1]);
    return buffer.length >= length ? { length, status } : INCOMPLETE;
  }
  if (CHUNKED.test(head)) {
    const length = chunkedEnd(buffer, bodyStart);
    return length < 0 ? INCOMPLETE : { length, status };
  }
  return { length: bodyStart, status };
}

/** End of a chunked body starting at `pos` (no trailers expected), or -1 while incomplete. */
function chunkedEnd(buffer: Buffer, pos: number): number {
  for (let guard = 0; guard < 100_000; guard++) {
    const lineEnd = buffer.indexOf(CRLF, pos);
    if (lineEnd < 0) return -1;
    const size = Number.parseInt(buffer.toString("latin1", pos, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error("malformed chunk size");
    if (size === 0) return buffer.length >= lineEnd + 4 ? lineEnd + 4 : -1;
    pos = lineEnd + 2 + size + 2;
    if (pos > buffer.length) return -1;
  }
  throw new Error("too many chunks");
}
