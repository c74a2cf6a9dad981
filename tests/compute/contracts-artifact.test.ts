import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ARTIFACT_PATH, compileContracts } from "../../scripts/chain/compile.ts";

/**
 * The compiled contracts are committed so nothing compiles at start-up or per test; this keeps them
 * honest: compiling contracts/*.sol with the pinned solc-js must give exactly the committed file.
 */
test("drivers/chain/contracts.generated.ts is what compiling contracts/*.sol gives (else: bun run chain:compile)", () => {
  expect(readFileSync(ARTIFACT_PATH, "utf8")).toBe(compileContracts());
}, 180_000);
