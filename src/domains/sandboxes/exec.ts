import type { SandboxRow } from "../../../db/schema/index.ts";
import { audit, type AuditedCaller } from "../../platform/audit.ts";
import { AppError } from "../../platform/errors.ts";
import type { Services } from "../../platform/services.ts";
import { engineCall } from "./engine.ts";
import { touchSandbox } from "./records.ts";
import { requireSandbox } from "./service.ts";

export interface ExecOutcome {
  exit_code: number | null;
  stdout: string;
  stderr: string;
  timed_out: boolean;
  duration_ms: number;
}

/** The running container of a sandbox the caller may work in (developer+); the simulator has none to run in. */
async function runningContainer(services: Services, input: { userId: string; sandboxId: string; action: "sandboxes.exec" | "sandboxes.readFile" | "sandboxes.writeFile" }): Promise<SandboxRow & { containerId: string }> {
  const row = await requireSandbox(services, input);
  if (row.status !== "running" || !row.containerId) throw new AppError("CONFLICT", `The sandbox is ${row.status}; commands and files need a running sandbox (resume it first)`);
  if (row.driver === "simulator" || services.containers.kind === "simulator") {
    throw new AppError("UNAVAILABLE", "This sandbox is simulated (no container engine): nothing runs in it, so there is nothing to execute or read");
  }
  return { ...row, containerId: row.containerId };
}

/** Runs a command in the sandbox (as `sh -c` when given as one string), with a time limit; audited. */
export async function execInSandbox(
  services: Services,
  actor: AuditedCaller & { userId: string },
  input: { sandboxId: string; command: string | string[]; timeoutS: number; stdin?: string },
): Promise<ExecOutcome> {
  const row = await runningContainer(services, { userId: actor.userId, sandboxId: input.sandboxId, action: "sandboxes.exec" });
  const cmd = typeof input.command === "string" ? ["sh", "-c", input.command] : input.command;
  const started = performance.now();
  const result = await engineCall(services.containers.exec(row.containerId, cmd, { timeoutMs: input.timeoutS * 1000, ...(input.stdin !== undefined ? { stdin: input.stdin } : {}) }));
  const outcome = { exit_code: result.exitCode, stdout: result.stdout, stderr: result.stderr, timed_out: result.timedOut, duration_ms: Math.round(performance.now() - started) };
  await audit(services, actor, "sandbox.exec", {
    outcome: result.exitCode === 0 ? "success" : "failure",
    subject: row.id,
    details: { workspaceId: row.workspaceId, exitCode: result.exitCode, timedOut: result.timedOut, argv0: cmd[0] ?? null },
  });
  await touchSandbox(services.db, row.id);
  return outcome;
}

const READ_LIMIT_BYTES = 8 * 1024 * 1024;

/** A file's bytes from the sandbox (base64 through `base64`, so binary survives); audited. */
export async function readSandboxFile(services: Services, actor: AuditedCaller & { userId: string }, input: { sandboxId: string; path: string }) {
  const row = await runningContainer(services, { userId: actor.userId, sandboxId: input.sandboxId, action: "sandboxes.readFile" });
  const size = await engineCall(services.containers.exec(row.containerId, ["sh", "-c", 'wc -c < "$1"', "sh", input.path], { timeoutMs: 10_000 }));
  if (size.exitCode !== 0) throw new AppError("NOT_FOUND", `No readable file at ${input.path}`);
  const bytes = Number(size.stdout.trim());
  if (bytes > READ_LIMIT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `The file is ${bytes} bytes; at most ${READ_LIMIT_BYTES} are read`);
  const read = await engineCall(services.containers.exec(row.containerId, ["base64", input.path], { timeoutMs: 30_000 }));
  if (read.exitCode !== 0) throw new AppError("NOT_FOUND", `No readable file at ${input.path}`);
  await audit(services, actor, "sandbox.file_read", { outcome: "success", subject: row.id, details: { workspaceId: row.workspaceId, path: input.path, bytes } });
  await touchSandbox(services.db, row.id);
  return { path: input.path, size: bytes, content_base64: read.stdout.replace(/\s+/g, "") };
}

/** Writes a file in the sandbox (parents made); audited. */
export async function writeSandboxFile(services: Services, actor: AuditedCaller & { userId: string }, input: { sandboxId: string; path: string; contentBase64: string }) {
  const row = await runningContainer(services, { userId: actor.userId, sandboxId: input.sandboxId, action: "sandboxes.writeFile" });
  const bytes = Buffer.from(input.contentBase64, "base64").length;
  const script = 'mkdir -p "$(dirname "$1")" && base64 -d > "$1"';
  const written = await engineCall(services.containers.exec(row.containerId, ["sh", "-c", script, "sh", input.path], { stdin: input.contentBase64, timeoutMs: 30_000 }));
  if (written.exitCode !== 0) throw new AppError("BAD_REQUEST", `Could not write ${input.path}: ${written.stderr.trim().slice(0, 200)}`);
  await audit(services, actor, "sandbox.file_write", { outcome: "success", subject: row.id, details: { workspaceId: row.workspaceId, path: input.path, bytes } });
  await touchSandbox(services.db, row.id);
  return { path: input.path, size: bytes };
}
