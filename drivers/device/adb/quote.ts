/**
 * Quotes one argument for the device's /system/bin/sh: single quotes make every character
 * literal (no $, `, ;, |, globbing), and an embedded ' becomes '\'' (close, escaped quote, reopen).
 */
export function shellQuote(argument: string): string {
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
