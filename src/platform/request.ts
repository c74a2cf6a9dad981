/** What a procedure knows about the HTTP request that reached it, whatever the transport. */
export interface RequestInfo {
  requestId: string;
  ip: string;
  headers: Headers;
  method: string;
  url: string;
}
