import { createSandbox } from "./procedures/create-sandbox.ts";
import { deleteSandbox } from "./procedures/delete-sandbox.ts";
import { execCommand } from "./procedures/exec-command.ts";
import { getSandbox } from "./procedures/get-sandbox.ts";
import { listSandboxes } from "./procedures/list-sandboxes.ts";
import { pauseSandbox } from "./procedures/pause-sandbox.ts";
import { readFile } from "./procedures/read-file.ts";
import { resumeSandbox } from "./procedures/resume-sandbox.ts";
import { writeFile } from "./procedures/write-file.ts";

/** Cloud sandboxes in workspaces (document 002, and exec/files beyond it); the names are WORKSPACE_ACTIONS' keys. */
export const sandboxProcedures = {
  list: listSandboxes,
  create: createSandbox,
  get: getSandbox,
  delete: deleteSandbox,
  pause: pauseSandbox,
  resume: resumeSandbox,
  exec: execCommand,
  readFile,
  writeFile,
};
