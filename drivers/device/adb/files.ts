/** Push and pull through the `sync:` service (SEND/DATA/DONE and RECV/DATA/DONE). */
import type { Adb, AdbSync } from "@yume-chan/adb";
import { ConcatBufferStream, ReadableStream } from "@yume-chan/stream-extra";
import { abortable, deadline } from "./deadline.ts";
import { AdbError } from "./errors.ts";
import type { CallOptions } from "./types.ts";

async function withSync<T>(adb: Adb, what: string, options: CallOptions, work: (sync: AdbSync) => Promise<T>): Promise<T> {
  const { signal, dispose } = deadline(what, options);
  const opening = adb.sync();
  // If the caller gives up while the socket is opening, still close it once it exists.
  void opening.then(
    async (sync) => {
      if (signal.aborted) await sync.dispose();
    },
    () => undefined,
  );
  try {
    const sync = await abortable(opening, signal);
    const onAbort = (): void => void sync.dispose().catch(() => undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await abortable(work(sync), signal);
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (!signal.aborted) await sync.dispose();
    }
  } catch (error) {
    if (signal.aborted || error instanceof AdbError) throw error;
    throw new AdbError(`${what}: ${(error as Error).message}`, { cause: error });
  } finally {
    dispose();
  }
}

export function push(adb: Adb, path: string, bytes: Uint8Array, options: CallOptions & { mode?: number } = {}): Promise<void> {
  return withSync(adb, `adb push ${path}`, options, (sync) =>
    sync.write({
      filename: path,
      file: new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
      permission: options.mode ?? 0o644,
    }),
  );
}

export function pull(adb: Adb, path: string, options: CallOptions = {}): Promise<Uint8Array> {
  return withSync(adb, `adb pull ${path}`, options, async (sync) => await sync.read(path).pipeThrough(new ConcatBufferStream()));
}
