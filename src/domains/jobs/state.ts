import type { JobStatus } from "../../../db/schema/index.ts";

/**
 * The job state machine, the one place that says which step may move a job from where, and who
 * may take it. `poster`: the job's poster; `worker`: the user whose agent holds it (for `hold`,
 * anyone but the poster); `system`: the verifier and the reconciler. Every step is applied with a
 * conditional UPDATE on these `from` states (records.ts), so two racing steps cannot both win.
 *
 *   pending_payment ─pay→ open ─hold (pull/claim)→ held ─accept→ accepted ─submit→ submitted ─pass→ done
 *        │                 │  ↖──reject / expire──────┘│                    │             │
 *        └─cancel→ cancelled ←┘  ↖──fail (attempt counted) ──────────────────┘  ↖─verification fails (attempt counted)
 *   after max attempts, or a missed deadline: failed (escrow voided = refund)
 */
export const JOB_STEPS = {
  pay: { from: ["pending_payment"], to: ["open"], role: "poster" },
  cancel: { from: ["pending_payment", "open"], to: ["cancelled"], role: "poster" },
  hold: { from: ["open"], to: ["held"], role: "worker" },
  accept: { from: ["held"], to: ["accepted"], role: "worker" },
  reject: { from: ["held"], to: ["open"], role: "worker" },
  submit: { from: ["accepted"], to: ["submitted"], role: "worker" },
  fail: { from: ["held", "accepted"], to: ["open", "failed"], role: "worker" },
  pass: { from: ["submitted"], to: ["done"], role: "system" },
  refuse: { from: ["submitted"], to: ["open", "failed"], role: "system" },
  expire: { from: ["held"], to: ["open"], role: "system" },
  miss_deadline: { from: ["pending_payment", "open", "held", "accepted"], to: ["cancelled", "failed"], role: "system" },
} as const satisfies Record<string, { from: readonly JobStatus[]; to: readonly JobStatus[]; role: "poster" | "worker" | "system" }>;

export type JobStep = keyof typeof JOB_STEPS;
export type StepRole = (typeof JOB_STEPS)[JobStep]["role"];

/** Nothing moves a job out of these. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set(["done", "failed", "cancelled"]);

/** In the worker's hands: the board's "held" count. */
export const IN_PROGRESS_STATUSES: readonly JobStatus[] = ["held", "accepted", "submitted"];
