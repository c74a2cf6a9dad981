const REGEX_TIME_LIMIT_MS = 2_000;

/**
 * Tests `pattern` against `text` in a worker thread and gives up after REGEX_TIME_LIMIT_MS:
 * JavaScript cannot interrupt a backtracking match, so a pattern like `(a+)+$` on a long output
 * would otherwise block the process. Returns null when the limit was hit.
 */
export async function regexMatches(pattern: string, flags: string, text: string): Promise<boolean | null> {
  const worker = new Worker(new URL("./regex-worker.ts", import.meta.url).href);
  try {
    return await new Promise<boolean | null>((resolve, reject) => {
      const timer = setTimeout(() => resolve(null), REGEX_TIME_LIMIT_MS);
      worker.onmessage = (event: MessageEvent<boolean>) => {
        clearTimeout(timer);
        resolve(event.data);
      };
      worker.onerror = (event) => {
        clearTimeout(timer);
        reject(new Error(event.message));
      };
      worker.postMessage({ pattern, flags, text });
    });
  } finally {
    worker.terminate();
  }
}

/** The pattern compiles (checked when a job or a verification is submitted, so a bad one is a 400). */
export function regexProblem(pattern: string, flags: string): string | null {
  try {
    new RegExp(pattern, flags);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
