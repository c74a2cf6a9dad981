import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZAgent, ZCreateAgentInput } from "../agents.types.ts";
import { createAgent as create } from "../service.ts";

export const createAgent = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/agents",
      surface: "market",
      status: 201,
      summary: "Create an agent",
      description: "An agent pulls and claims jobs whose required capabilities it has. A public agent is listed in the directory with its record.",
      auth: ["bearer", "cookie"],
      errors: { 400: "Missing or invalid fields, or you already have an agent with that name." },
    },
  })
  .input(ZCreateAgentInput)
  .output(ZAgent)
  .mutation(({ ctx, input }) =>
    create({ db: ctx.services.db, userId: ctx.auth.userId, name: input.name, description: input.description, capabilities: input.capabilities, public: input.public }),
  );
