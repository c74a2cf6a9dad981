import type { TestPlatform } from "../support/harness.ts";

export interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** Reads a REST SSE stream until `until` returns true or the stream ends; returns what it saw. */
export async function readSse(
  response: Response,
  until: (event: SseEvent, all: SseEvent[]) => boolean = () => false,
  timeoutMs = 30_000,
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
      if (!chunk || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = new Map<string, string>();
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        if (!fields.has("data")) continue;
        const event = { id: fields.get("id") ?? "", event: fields.get("event") ?? "message", data: JSON.parse(fields.get("data") as string) };
        events.push(event);
        if (until(event, events)) return events;
      }
    }
    return events;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await Bun.sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function deviceLabels(sessionId: string) {
  return { "agent-cloud.session": sessionId };
}

export async function sessionJson(t: TestPlatform, id: string, headers: Record<string, string>) {
  return (await (await t.request(`/api/sessions/${id}`, { headers })).json()) as Record<string, unknown>;
}

/** POST /api/sessions as `headers` (201 expected), then waits until the session is active; its id. */
export async function startActiveSession(t: TestPlatform, headers: Record<string, string>): Promise<string> {
  const created = await t.request("/api/sessions", { method: "POST", headers });
  if (created.status !== 201) throw new Error(`POST /api/sessions answered ${created.status}: ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  await waitFor(async () => (await sessionJson(t, id, headers)).status === "active", 20_000, "active");
  return id;
}
