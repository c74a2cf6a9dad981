/** Runs one regular expression test off the main thread, so a catastrophic pattern can be stopped (regex.ts). */

self.onmessage = (event: MessageEvent<{ pattern: string; flags: string; text: string }>) => {
  const { pattern, flags, text } = event.data;
  postMessage(new RegExp(pattern, flags).test(text));
};
