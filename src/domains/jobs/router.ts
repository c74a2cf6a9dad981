import { acceptJob } from "./procedures/accept-job.ts";
import { cancelJob } from "./procedures/cancel-job.ts";
import { claimJob } from "./procedures/claim-job.ts";
import { failJob } from "./procedures/fail-job.ts";
import { getJob } from "./procedures/get-job.ts";
import { listJobs } from "./procedures/list-jobs.ts";
import { payJob } from "./procedures/pay-job.ts";
import { pullJob } from "./procedures/pull-job.ts";
import { rejectJob } from "./procedures/reject-job.ts";
import { runJob } from "./procedures/run-job.ts";
import { streamJobLogs } from "./procedures/stream-job-logs.ts";
import { submitJob } from "./procedures/submit-job.ts";

/** `/api/jobs*` (market): posting and paying (poster), pulling and working (worker), the verification log. */
export const jobsProcedures = {
  run: runJob,
  list: listJobs,
  get: getJob,
  pay: payJob,
  cancel: cancelJob,
  pull: pullJob,
  claim: claimJob,
  accept: acceptJob,
  reject: rejectJob,
  submit: submitJob,
  fail: failJob,
  logs: streamJobLogs,
};
