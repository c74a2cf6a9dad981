/** The text a text verifier (regex, contains, command) reads: a string as it is, anything else as JSON. */
export function outputText(output: unknown): string {
  return typeof output === "string" ? output : (JSON.stringify(output) ?? "");
}

/** The value json_schema validates: a string holding JSON is parsed, anything else is taken as it is. */
export function outputJson(output: unknown): unknown {
  if (typeof output !== "string") return output;
  try {
    return JSON.parse(output);
  } catch {
    return output;
  }
}
