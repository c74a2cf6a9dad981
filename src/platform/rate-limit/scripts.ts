import type { RedisClient } from "bun";

/** A Lua script run by EVALSHA, falling back to EVAL (which caches it) after a NOSCRIPT. */
export class Script {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = new Bun.CryptoHasher("sha1").update(source).digest("hex");
  }

  async run(client: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await client.send("EVALSHA", [this.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return await client.send("EVAL", [this.source, ...tail]);
    }
  }
}

// Bans live in one sorted set per limiter: member = key, score = end in Unix ms (server clock).
// Scripts read the clock with TIME (allowed in scripts since Redis 5, which replicates effects).
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: counter. ARGV: windowMs. Returns {count, msLeft}. */
export const HIT = new Script(`
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}`);

/** KEYS: counter. Returns {count, msLeft}; msLeft < 0 when no window is open. */
export const PEEK = new Script(`
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
return {count, redis.call('PTTL', KEYS[1])}`);

/** KEYS: violations counter, bans. ARGV: key, windowMs, threshold, banMs. Returns {banned, endMs, count}. */
export const VIOLATION = new Script(`
${NOW}
local ends = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]) or '0')
if ends > now then return {1, ends, 0} end
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count < tonumber(ARGV[3]) then return {0, 0, count} end
ends = now + tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], ends, ARGV[1])
redis.call('DEL', KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
return {1, ends, count}`);

/** KEYS: bans. ARGV: key. Returns the ban's end in Unix ms, or 0. */
export const BAN_END = new Script(`
${NOW}
local ends = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '0')
if ends > now then return ends end
return 0`);

/** KEYS: bans. ARGV: key, ms. Returns the end in Unix ms. */
export const BAN = new Script(`
${NOW}
local ends = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], ends, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return ends`);

/** KEYS: bans, violations counter. ARGV: key. */
export const UNBAN = new Script(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 0`);

/** KEYS: bans. Prunes ended bans; returns {key, endMs, key, endMs, ...} soonest first. */
export const LIST_BANS = new Script(`
${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES')`);
