import { z } from "zod";
import { int } from "./helpers.ts";

/** The container engine and the Android devices it runs. Part of `Config.devices`. */
export const ZDevicesConfig = z
  .object({
    /** auto: Docker/Podman when DOCKER_HOST (or a default socket) answers, else the simulator. */
    CONTAINER_DRIVER: z.enum(["auto", "docker", "simulator"]).default("auto"),
    DOCKER_HOST: z.string().min(1).optional(),
    DEVICE_IMAGE: z.string().min(1).default("redroid/redroid:14.0.0-latest"),
    /** Labels this deployment's devices; the reconciler only touches its own pool, so deployments can share an engine. */
    DEVICE_POOL: z.string().regex(/^[\w.-]{1,63}$/, "letters, digits and . _ - only").default("default"),
    /** Devices one engine may run at once; beyond it POST /api/sessions answers 503. */
    DEVICE_CAPACITY: int({ min: 0, fallback: 4 }),
    DEVICE_BOOT_TIMEOUT_S: int({ min: 1, fallback: 180 }),
  })
  .transform((e) => ({
    containerDriver: e.CONTAINER_DRIVER,
    dockerHost: e.DOCKER_HOST,
    image: e.DEVICE_IMAGE,
    pool: e.DEVICE_POOL,
    capacity: e.DEVICE_CAPACITY,
    bootTimeoutS: e.DEVICE_BOOT_TIMEOUT_S,
  }));

export type DevicesConfig = z.output<typeof ZDevicesConfig>;
