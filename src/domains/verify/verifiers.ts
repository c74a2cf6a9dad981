import { AppError } from "../../platform/errors.ts";
import { assertCommandsRun, runCommandVerifier, type CommandSandbox } from "./command.ts";
import { compileJsonSchema, schemaProblems } from "./json-schema.ts";
import { outputJson, outputText } from "./output-text.ts";
import { regexMatches, regexProblem } from "./regex.ts";
import type { TVerifierSpec } from "./verify.types.ts";

/**
 * A spec that cannot run is refused when it is submitted (400), not when the output arrives: a
 * schema that does not compile, a pattern that does not parse, a command with no engine to run it.
 */
export function checkVerifierSpec(spec: TVerifierSpec, sandbox: Pick<CommandSandbox, "containers">): void {
  if (spec.type === "json_schema") {
    const compiled = compileJsonSchema(spec.schema);
    if (!compiled.ok) throw new AppError("BAD_REQUEST", `verifier.schema is not a usable JSON Schema: ${compiled.problem}`);
  } else if (spec.type === "regex") {
    const problem = regexProblem(spec.pattern, spec.flags ?? "");
    if (problem) throw new AppError("BAD_REQUEST", `verifier.pattern is not a regular expression: ${problem}`);
  } else if (spec.type === "command") {
    assertCommandsRun(sandbox.containers);
  }
}

/** Runs one verifier on an output; every step is passed to `log` as it happens. */
export async function runVerifier(spec: TVerifierSpec, output: unknown, sandbox: CommandSandbox, log: (line: string) => Promise<void>): Promise<boolean> {
  switch (spec.type) {
    case "json_schema": {
      await log("validating the output against the JSON Schema");
      const compiled = compileJsonSchema(spec.schema);
      if (!compiled.ok) {
        await log(`the schema does not compile: ${compiled.problem}`);
        return false;
      }
      const problems = schemaProblems(compiled.validator, outputJson(output));
      for (const problem of problems) await log(`invalid: ${problem}`);
      return problems.length === 0;
    }
    case "regex": {
      await log(`matching /${spec.pattern}/${spec.flags ?? ""}`);
      const matched = await regexMatches(spec.pattern, spec.flags ?? "", outputText(output));
      if (matched === null) await log("the pattern took too long and was stopped");
      else await log(matched ? "the output matches" : "the output does not match");
      return matched === true;
    }
    case "contains": {
      await log(`looking for ${JSON.stringify(spec.value.slice(0, 80))}${spec.case_sensitive ? "" : " (any case)"}`);
      const text = outputText(output);
      const found = spec.case_sensitive ? text.includes(spec.value) : text.toLowerCase().includes(spec.value.toLowerCase());
      await log(found ? "found" : "not found");
      return found;
    }
    case "command":
      return runCommandVerifier(sandbox, spec.command, outputText(output), log);
  }
}

/** A verdict with its whole log, for the standalone POST /api/verify. */
export async function verifyOnce(spec: TVerifierSpec, output: unknown, sandbox: CommandSandbox): Promise<{ passed: boolean; log: string[] }> {
  checkVerifierSpec(spec, sandbox);
  const lines: string[] = [];
  const passed = await runVerifier(spec, output, sandbox, async (line) => {
    lines.push(line);
  });
  lines.push(passed ? "verdict: pass" : "verdict: fail");
  return { passed, log: lines };
}
