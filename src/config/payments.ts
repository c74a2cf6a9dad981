import { z } from "zod";
import { int } from "./helpers.ts";

/**
 * Payments (document 001's wallet and Stripe routes). Unset STRIPE_SECRET_KEY: the Stripe routes
 * answer 503, unless PAYMENTS_DRIVER=simulator (a local checkout page that completes a top-up by
 * posting a correctly signed webhook to this platform, so `bun run start` shows the whole flow).
 */
export const ZPaymentsConfig = z
  .object({
    /** `stripe` (the default: on when STRIPE_SECRET_KEY is set) or `simulator` (development: no Stripe account needed). */
    PAYMENTS_DRIVER: z.enum(["stripe", "simulator"]).default("stripe"),
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    /** The endpoint's signing secret (`whsec_…`); required with STRIPE_SECRET_KEY. The simulator makes its own when unset. */
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** Another base URL for Stripe's API (a stand-in): the SDK's protocol, host and port come from it. */
    STRIPE_API_BASE: z
      .string()
      .regex(/^https?:\/\/[^/]+\/?$/, "must be an http(s)://host[:port] base URL")
      .optional(),
    /** Per-request timeout of calls to Stripe; a withdrawal whose transfer times out is retried by its queued job. */
    STRIPE_TIMEOUT_MS: int({ min: 100, fallback: 20_000 }),
    /** Bounds of one top-up (`POST /api/wallet/topup`), in cents. */
    TOPUP_MIN_CENTS: int({ min: 1, fallback: 500 }),
    TOPUP_MAX_CENTS: int({ min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 100_000 }),
    /** Country of new Stripe Connect Express accounts. */
    STRIPE_CONNECT_COUNTRY: z.string().regex(/^[A-Z]{2}$/, "must be a two-letter country code").default("US"),
  })
  .superRefine((e, ctx) => {
    if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET && e.PAYMENTS_DRIVER === "stripe") {
      ctx.addIssue({ code: "custom", path: ["STRIPE_WEBHOOK_SECRET"], message: "required when STRIPE_SECRET_KEY is set" });
    }
    if (e.TOPUP_MIN_CENTS > e.TOPUP_MAX_CENTS) ctx.addIssue({ code: "custom", path: ["TOPUP_MIN_CENTS"], message: "must not exceed TOPUP_MAX_CENTS" });
  })
  .transform((e) => ({
    driver: e.PAYMENTS_DRIVER,
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    webhookSecret: e.STRIPE_WEBHOOK_SECRET,
    apiBase: e.STRIPE_API_BASE,
    timeoutMs: e.STRIPE_TIMEOUT_MS,
    topupMinCents: e.TOPUP_MIN_CENTS,
    topupMaxCents: e.TOPUP_MAX_CENTS,
    connectCountry: e.STRIPE_CONNECT_COUNTRY,
  }));

export type PaymentsConfig = z.output<typeof ZPaymentsConfig>;
