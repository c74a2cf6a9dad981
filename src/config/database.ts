import { z } from "zod";

/** Where the data lives: PostgreSQL when set, else embedded PGlite under DATA_DIR. */
export const ZDatabaseConfig = z
  .object({
    DATABASE_URL: z
      .string()
      .regex(/^(postgres|postgresql):\/\//, "must be a postgres:// URL")
      .optional(),
  })
  .transform((e) => ({ databaseUrl: e.DATABASE_URL }));

export type DatabaseConfig = z.output<typeof ZDatabaseConfig>;
