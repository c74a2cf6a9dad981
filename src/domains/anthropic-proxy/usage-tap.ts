/**
 * Reads the token usage out of a Messages response as it streams past, without holding it up:
 * every chunk is passed on before it is looked at. A streamed response (SSE) reports
 * `message_start.message.usage` and cumulative `message_delta.usage`; a plain JSON response has
 * `usage` and `model` at the top level. Other bodies (count_tokens, errors, models) report none.
 */
export interface ObservedUsage {
  model: string | null;
  inputTokens: number;
  outputTokens: number;
}

/** A JSON body above this is passed on but not parsed for usage. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

interface UsageFields {
  input_tokens?: unknown;
  output_tokens?: unknown;
}

const count = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined);

function applyUsage(target: ObservedUsage, usage: UsageFields | undefined): void {
  if (!usage || typeof usage !== "object") return;
  // message_delta's counts are cumulative: the latest value of each field is the total.
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (input !== undefined) target.inputTokens = input;
  if (output !== undefined) target.outputTokens = output;
}

/** A pass-through stream that fills `observed` and calls `done` once the body has ended or was cancelled. */
export function tapUsage(body: ReadableStream<Uint8Array>, contentType: string, done: (observed: ObservedUsage) => Promise<void>): ReadableStream<Uint8Array> {
  const observed: ObservedUsage = { model: null, inputTokens: 0, outputTokens: 0 };
  const sse = contentType.startsWith("text/event-stream");
  const json = !sse && contentType.includes("json");
  const decoder = new TextDecoder();
  let pending = "";
  const jsonChunks: Uint8Array[] = [];
  let jsonBytes = 0;
  let finished = false;

  const onSseLine = (line: string) => {
    // Only message_start and message_delta carry usage; content deltas are skipped unparsed.
    if (!line.startsWith("data:") || !line.includes('"usage"')) return;
    try {
      const event = JSON.parse(line.slice(5)) as { type?: string; message?: { model?: unknown; usage?: UsageFields }; usage?: UsageFields };
      if (event.type === "message_start") {
        if (typeof event.message?.model === "string") observed.model = event.message.model;
        applyUsage(observed, event.message?.usage);
      } else if (event.type === "message_delta") {
        applyUsage(observed, event.usage);
      }
    } catch {
      // Not JSON: not an event this tap reads.
    }
  };

  const finish = async () => {
    if (finished) return;
    finished = true;
    if (sse && pending) onSseLine(pending.trimEnd());
    if (json && jsonBytes > 0 && jsonBytes <= MAX_JSON_BYTES) {
      try {
        const parsed = JSON.parse(new TextDecoder().decode(Buffer.concat(jsonChunks))) as { model?: unknown; usage?: UsageFields };
        if (typeof parsed.model === "string") observed.model = parsed.model;
        applyUsage(observed, parsed.usage);
      } catch {
        // Not a JSON object: no usage.
      }
    }
    await done(observed);
  };

  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (error) {
        await finish();
        controller.error(error);
        return;
      }
      if (result.done) {
        // The caller sees the end only once the usage is written: a request made after it sees it counted.
        await finish();
        controller.close();
        return;
      }
      const chunk = result.value;
      controller.enqueue(chunk);
      if (sse) {
        pending += decoder.decode(chunk, { stream: true });
        let newline = pending.indexOf("\n");
        while (newline !== -1) {
          onSseLine(pending.slice(0, newline).trimEnd());
          pending = pending.slice(newline + 1);
          newline = pending.indexOf("\n");
        }
      } else if (json) {
        jsonBytes += chunk.byteLength;
        if (jsonBytes <= MAX_JSON_BYTES) jsonChunks.push(chunk);
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
      await finish();
    },
  });
}
