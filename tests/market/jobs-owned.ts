import { createUserIn } from "../support/factories.ts";
import type { TestPlatform } from "../support/harness.ts";
import type { OwnedResource, Owner } from "../support/route-access.ts";
import { createAgent as createAgentRow } from "../../src/domains/agents/service.ts";
import { marketDeps } from "../../src/domains/jobs/deps.ts";
import { acceptJob, claimJob, payJob, runJob } from "../../src/domains/jobs/service.ts";
import { fund } from "./jobs-helpers.ts";

/**
 * The market's rows of the owned-resource table (tests/support/owned-resources.ts): a job the
 * owner posted (pending or paid), or one a third user posted that the owner's agent holds or has
 * accepted. The private input is the mark no one else may see.
 */
type Stage = "pending" | "open" | "held" | "accepted";

export function ownedJob(stage: Stage, extra: Record<string, unknown> = {}) {
  return async ({ t, owner }: { t: TestPlatform; owner: Owner }): Promise<OwnedResource> => {
    const deps = marketDeps(t.platform.services);
    const db = t.platform.services.db;
    const secret = `owned-input-${crypto.randomUUID().slice(0, 8)}`;
    const capability = `owned-${crypto.randomUUID().slice(0, 8)}`;
    const posterId = stage === "held" || stage === "accepted" ? (await createUserIn(db)).id : owner.userId;
    await fund(db, posterId, 1_000);
    const job = await runJob(deps, posterId, {
      title: "owned",
      instructions: "owned job",
      input: { secret },
      price_cents: 100,
      capabilities: [capability],
      tags: [],
      verifier: { type: "contains", value: "x", case_sensitive: true },
    });
    if (stage !== "pending") await payJob(deps, posterId, job.id);
    if (stage === "held" || stage === "accepted") {
      const agent = await createAgentRow({ db, userId: owner.userId, name: `owned-${capability}`, capabilities: [capability], public: false });
      await claimJob(deps, owner.userId, { id: job.id, agent_id: agent.id });
      if (stage === "accepted") await acceptJob(deps, owner.userId, job.id);
    }
    return { input: { id: job.id, ...extra }, marks: [secret] };
  };
}
