/**
 * Command lines for Android's `input` tool. Numbers are checked to be finite and non-negative
 * integers, key names to be KEYCODE-like, and text goes through `shellQuote`, so nothing a
 * caller passes can become a second shell command.
 */
import { shellQuote } from "./quote.ts";

function coordinate(name: string, value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  return String(Math.round(value));
}

export function tapCommand(x: number, y: number): string {
  return `input tap ${coordinate("x", x)} ${coordinate("y", y)}`;
}

export function swipeCommand(x1: number, y1: number, x2: number, y2: number, durationMs?: number): string {
  const points = [coordinate("x1", x1), coordinate("y1", y1), coordinate("x2", x2), coordinate("y2", y2)];
  if (durationMs !== undefined) points.push(coordinate("durationMs", durationMs));
  return `input swipe ${points.join(" ")}`;
}

/**
 * `input text` types printable ASCII only, and reads "%s" as a space (Android's only escape), so
 * spaces are sent as %s. A literal "%s" in the text therefore arrives as a space: Android offers
 * no way to type it through this tool. Newlines and other control characters are refused; send
 * them with keyevent (e.g. KEYCODE_ENTER).
 */
export function textCommand(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) {
    throw new RangeError("input text can only type printable ASCII; use keyevent for Enter, Tab and other keys");
  }
  if (text === "") throw new RangeError("input text needs at least one character");
  return `input text ${shellQuote(text.replaceAll(" ", "%s"))}`;
}

export function keyeventCommand(key: number | string, options: { longpress?: boolean } = {}): string {
  const code = typeof key === "number" ? key : key.trim();
  if (typeof code === "number" ? !Number.isInteger(code) || code < 0 : !/^(\d+|(KEYCODE_)?[A-Z0-9_]+)$/.test(code)) {
    throw new RangeError(`not a key code: ${String(key)}`);
  }
  return `input keyevent ${options.longpress ? "--longpress " : ""}${code}`;
}
