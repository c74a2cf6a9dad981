import { bigint, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { users } from "./users.ts";

/**
 * Objects a user uploaded and the platform keeps in the blob store (APKs), by key, with their
 * size: what counts against the user's storage quota besides skill versions.
 */
export const userUploads = pgTable(
  "user_uploads",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    objectKey: text("object_key").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.objectKey] })],
);
