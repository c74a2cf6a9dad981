import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { ID_PREFIX, isId, newId, ZId } from "../../src/platform/ids.ts";

describe("prefixed ids", () => {
  test("every kind has its own prefix", () => {
    const prefixes = Object.values(ID_PREFIX);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const prefix of prefixes) expect(prefix).toMatch(/^[a-z]{2,4}$/);
  });

  test("newId makes what ZId and isId accept, for every registered prefix", () => {
    for (const prefix of Object.values(ID_PREFIX)) {
      const id = newId(prefix);
      expect(id).toMatch(new RegExp(`^${prefix}_[0-9A-Za-z]{20}$`));
      expect(isId(prefix, id)).toBe(true);
      expect(ZId(prefix).parse(id)).toBe(id);
    }
  });

  test("a malformed id or one of another kind fails validation", () => {
    const session = ZId(ID_PREFIX.session);
    for (const bad of ["", "ses_", "ses_short", `job_${"a".repeat(20)}`, `ses_${"a".repeat(21)}`, `ses_${"a".repeat(19)}!`, `SES_${"a".repeat(20)}`, ` ses_${"a".repeat(20)}`]) {
      expect({ bad, ok: session.safeParse(bad).success }).toEqual({ bad, ok: false });
      expect(isId(ID_PREFIX.session, bad)).toBe(false);
    }
    const result = z.object({ id: session }).safeParse({ id: "nope" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("must be an id like ses_…");
  });

  test("ws is not fooled by a longer prefix that starts the same", () => {
    expect(isId(ID_PREFIX.workspace, `wsx_${"a".repeat(20)}`)).toBe(false);
    expect(isId(ID_PREFIX.workspace, newId(ID_PREFIX.workspace))).toBe(true);
  });
});
