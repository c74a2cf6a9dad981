import type { ContainerSpec } from "../container/types.ts";
import { SANDBOX_LABELS, type SandboxSpecOptions, type SandboxSpecParams, type SandboxType } from "./types.ts";

const NAME_SAFE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function sandboxContainerName(sandboxId: string): string {
  return `agent-cloud-sandbox-${sandboxId}`;
}

export function sandboxVolumeName(sandboxId: string): string {
  return `agent-cloud-sandbox-${sandboxId}-data`;
}

/** The spec every sandbox type shares: labels, the state volume at /data, the port on loopback, limits. */
export function baseSandboxSpec(
  type: SandboxType,
  port: number,
  params: SandboxSpecParams,
  options: SandboxSpecOptions,
  extra: { env: Record<string, string>; memoryBytes: number; cmd?: string[] },
): ContainerSpec {
  if (!NAME_SAFE.test(params.sandboxId)) throw new RangeError(`sandbox id ${JSON.stringify(params.sandboxId)} cannot name a container`);
  return {
    name: sandboxContainerName(params.sandboxId),
    image: options.image,
    ...(extra.cmd ? { cmd: extra.cmd } : {}),
    env: {
      ...extra.env,
      ANTHROPIC_BASE_URL: params.anthropicBaseUrl,
      ANTHROPIC_API_KEY: params.proxyToken,
      HOME: "/data",
    },
    labels: {
      [SANDBOX_LABELS.sandbox]: params.sandboxId,
      [SANDBOX_LABELS.workspace]: params.workspaceId,
      [SANDBOX_LABELS.role]: `sandbox-${type}`,
      [SANDBOX_LABELS.pool]: options.pool,
    },
    init: true,
    mounts: [{ type: "volume", source: sandboxVolumeName(params.sandboxId), target: "/data" }],
    publish: [{ containerPort: port, protocol: "tcp", hostIp: "127.0.0.1" }],
    memoryBytes: extra.memoryBytes,
    pidsLimit: 512,
  };
}

/** GET `http://address/path`: true on 2xx within a few seconds; false on any failure. */
export async function probe(address: string, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<boolean> {
  const timeout = AbortSignal.timeout(3_000);
  try {
    const response = await fetch(`http://${address}${path}`, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    await response.body?.cancel().catch(() => {});
    return response.ok;
  } catch {
    return false;
  }
}
