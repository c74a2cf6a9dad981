import { createAgent } from "./procedures/create-agent.ts";
import { listAgentDirectory } from "./procedures/list-agent-directory.ts";
import { listAgents } from "./procedures/list-agents.ts";

/** `/api/agents*` (market): your agents and the public directory. */
export const agentsProcedures = { create: createAgent, list: listAgents, directory: listAgentDirectory };
