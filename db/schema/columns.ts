import { sql } from "drizzle-orm";
import { customType, timestamp } from "drizzle-orm/pg-core";

/**
 * jsonb that round-trips on both drivers. drizzle's built-in `jsonb` hands the driver a JSON
 * string, which Bun SQL encodes a second time (the row then holds a JSON *string*, and `->` finds
 * nothing). Sending text and casting in SQL avoids that; both drivers already return parsed values.
 * Note: drizzle writes SQL NULL for a `null` value without calling `toDriver`.
 */
export const jsonValue = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => "jsonb",
  toDriver: (value) => sql`${JSON.stringify(value)}::text::jsonb`,
  fromDriver: (value) => value,
});

/** Timestamps are always with time zone and surface as Date. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
