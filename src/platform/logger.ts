/** Structured JSON logs: one line per event, `{ time, level, msg, ...fields }`. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogSink = (line: string) => void;

const stdoutSink: LogSink = (line) => {
  process.stdout.write(line + "\n");
};

/**
 * A failed query's error (drizzle's "Failed query: …\nparams: …") carries the query's values:
 * password hashes, e-mails, tokens. Logs keep the query and drop the values, wherever the text
 * went (message, stack, or a field that holds `String(error)`).
 */
const QUERY_PARAMS = /\nparams: [\s\S]*?(?=\n {4}at |$)/g;

export function scrubLogText(text: string): string {
  return text.includes("\nparams: ") ? text.replace(QUERY_PARAMS, "\nparams: [omitted]") : text;
}

/** PostgreSQL quotes the offending value after a colon: `invalid input syntax for type integer: "…"`. */
const QUOTED_VALUE = /: "(?:[^"]|"")*"/g;

function isFailedQuery(error: Error): boolean {
  return "params" in error && "query" in error;
}

/**
 * An error as a log field: name, message and stack without query values, and its causes. A failed
 * query's cause (the database's own error) keeps its SQLSTATE and message with quoted values
 * redacted; never its `detail`, which can quote a row.
 */
export function serializeError(error: Error, depth = 0): LogFields {
  const fields: LogFields = { name: error.name, message: scrubLogText(error.message) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") fields.code = code;
  if (error.stack) fields.stack = scrubLogText(error.stack);
  if (error.cause === undefined || depth >= 3) return fields;
  if (isFailedQuery(error) && error.cause instanceof Error) {
    const cause = error.cause as Error & { code?: unknown };
    fields.cause = { name: cause.name, code: cause.code, message: cause.message.replace(QUOTED_VALUE, ': "[omitted]"') };
  } else {
    fields.cause = error.cause instanceof Error ? serializeError(error.cause, depth + 1) : scrubLogText(String(error.cause));
  }
  return fields;
}

function logValue(value: unknown): unknown {
  if (value instanceof Error) return serializeError(value);
  if (typeof value === "string") return scrubLogText(value);
  return value;
}

export function createLogger(options: {
  level: LogLevel | "silent";
  sink?: LogSink;
  base?: LogFields;
}): Logger {
  const threshold = RANK[options.level];
  const sink = options.sink ?? stdoutSink;
  const base = options.base ?? {};
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    const record: LogFields = { time: new Date().toISOString(), level, msg, ...base };
    if (fields) {
      for (const [key, value] of Object.entries(fields)) {
        record[key] = logValue(value);
      }
    }
    sink(JSON.stringify(record, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ level: options.level, sink, base: { ...base, ...fields } }),
  };
}
