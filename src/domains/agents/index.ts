/** The agents domain's entry for other domains: jobs find the worker's agent and keep its record. */
export { recordAgentOutcome, requireWorkerAgent } from "./service.ts";
export { publicHandle, publicHandles } from "./handle.ts";
export { ZAgentId, ZCapabilities, ZCapability } from "./agents.types.ts";
