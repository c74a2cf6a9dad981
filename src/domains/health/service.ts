import type { DatabaseHandle } from "../../../db/connection.ts";

export interface HealthReport {
  status: "ok" | "degraded";
  database: { kind: DatabaseHandle["kind"]; reachable: boolean; latency_ms: number };
  uptime_s: number;
  time: string;
}

const startedAt = Date.now();

/** Reports whether the database answers; the process itself answering is the rest of "healthy". */
export async function checkHealth({ database }: { database: DatabaseHandle }): Promise<HealthReport> {
  const began = performance.now();
  const reachable = await database.ping();
  return {
    status: reachable ? "ok" : "degraded",
    database: {
      kind: database.kind,
      reachable,
      latency_ms: Math.round((performance.now() - began) * 100) / 100,
    },
    uptime_s: Math.floor((Date.now() - startedAt) / 1000),
    time: new Date().toISOString(),
  };
}
