/** Both backends pass payloads through JSON so a listener sees the same value on either. */
export function encodePayload(payload: unknown): string {
  const text = JSON.stringify(payload === undefined ? null : payload);
  // JSON.stringify returns undefined for a bare function or symbol.
  if (text === undefined) throw new TypeError("event payload is not JSON-serialisable");
  return text;
}

export function decodePayload(text: string): unknown {
  return JSON.parse(text);
}
