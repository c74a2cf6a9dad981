/** Exits 0 when the PostgreSQL and Redis URLs given both answer. */
import { RedisClient, SQL } from "bun";

const [pgUrl, redisUrl] = process.argv.slice(2);
try {
  const sql = new SQL({ url: pgUrl, max: 1, connectionTimeout: 3 });
  await sql`select 1`;
  await sql.close();
  const redis = new RedisClient(redisUrl, { connectionTimeout: 3000, autoReconnect: false });
  await redis.send("PING", []);
  redis.close();
  process.exit(0);
} catch (error) {
  console.error(String(error));
  process.exit(1);
}
