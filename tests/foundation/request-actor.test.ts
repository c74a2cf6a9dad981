/**
 * One request metadata and one actor, built once in the context (`ctx.meta`, `ctx.actor`), and one
 * `audit(deps, actor, action, entry)` that takes where and who from the actor.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { queryAudit } from "../../src/domains/audit/service.ts";
import { audit } from "../../src/platform/audit.ts";
import { createContextInner } from "../../src/trpc/context.ts";
import { createCallerFactory, router } from "../../src/trpc/init.ts";
import { authedProcedure, publicProcedure } from "../../src/trpc/procedures.ts";
import { createUserWithKeyIn } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";

const whoRouter = router({
  anyone: publicProcedure.meta({ access: "public" }).query(({ ctx }) => ({ meta: ctx.meta, actor: ctx.actor })),
  signedIn: authedProcedure.meta({ access: "user" }).query(({ ctx }) => ({ meta: ctx.meta, actor: ctx.actor })),
});

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.stop());

function callerWith(headers: Record<string, string>, requestId: string) {
  const ctx = createContextInner(t.platform.services, {
    requestId,
    ip: "203.0.113.7",
    headers: new Headers({ "user-agent": "actor-test/1.0", ...headers }),
    method: "GET",
    url: `${t.url}/trpc/who`,
  });
  return createCallerFactory(whoRouter)(ctx);
}

describe("ctx.meta and ctx.actor", () => {
  test("a public procedure sees where the request came from and no user", async () => {
    const meta = { ip: "203.0.113.7", userAgent: "actor-test/1.0", requestId: "req-public" };
    expect(await callerWith({}, "req-public").anyone()).toEqual({ meta, actor: { ...meta, userId: null } });
  });

  test("an authed procedure's actor carries the signed-in user", async () => {
    const { user, headers } = await createUserWithKeyIn(t.platform.services.db);
    const meta = { ip: "203.0.113.7", userAgent: "actor-test/1.0", requestId: "req-authed" };
    expect(await callerWith(headers, "req-authed").signedIn()).toEqual({ meta, actor: { ...meta, userId: user.id } });
  });
});

describe("audit(deps, actor, action, entry)", () => {
  test("takes the IP, request id and actor id from the actor, and an explicit actorId over it", async () => {
    const { services } = t.platform;
    const actor = { ip: "203.0.113.9", userAgent: null, requestId: "req-audit", userId: "usr_actor" };
    await audit(services, actor, "test.actor_default", { outcome: "success", subject: "thing" });
    await audit(services, actor, "test.actor_override", { outcome: "failure", actorId: null, details: { reason: "x" } });

    const [byDefault] = (await queryAudit(services.db, { action: "test.actor_default", limit: 1 })).items;
    expect(byDefault).toMatchObject({ actorId: "usr_actor", subject: "thing", ip: "203.0.113.9", requestId: "req-audit", outcome: "success", details: null });
    const [overridden] = (await queryAudit(services.db, { action: "test.actor_override", limit: 1 })).items;
    expect(overridden).toMatchObject({ actorId: null, subject: null, ip: "203.0.113.9", requestId: "req-audit", details: { reason: "x" } });
  });
});
