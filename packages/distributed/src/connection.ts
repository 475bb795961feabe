import { Redis, type RedisOptions } from "ioredis";
import { DistributedError } from "./errors.js";

/** Where Redis is: a `redis://[user:password@]host:port[/db]` URL, or ioredis options (host, port, password, tls, ...). */
export type RedisConnection = string | RedisOptions;

/** Default connection: `$PHLOX_REDIS_URL`, else `redis://127.0.0.1:6379`. */
export function defaultConnection(): string {
  return process.env.PHLOX_REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** Host:port of a connection, for messages (no password). */
export function describeConnection(c: RedisConnection): string {
  if (typeof c === "string") {
    try {
      const u = new URL(c);
      return `${u.hostname}:${u.port || "6379"}`;
    } catch {
      return c;
    }
  }
  return `${c.host ?? "127.0.0.1"}:${c.port ?? 6379}`;
}

/**
 * ioredis options for BullMQ from a connection: `maxRetriesPerRequest: null` (BullMQ's requirement for
 * workers), a connect timeout, and reconnection with capped back-off.
 */
export function redisOptions(c: RedisConnection, connectTimeoutMs: number): RedisOptions {
  const base: RedisOptions = typeof c === "string" ? parseUrl(c) : { ...c };
  return {
    ...base,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 2000),
  };
}

function parseUrl(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DistributedError(
      "bad-options",
      `Redis connection "${url}" is not a URL; use redis://host:port (or rediss:// for TLS).`,
    );
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new DistributedError(
      "bad-options",
      `Redis connection "${url}": the scheme must be redis:// or rediss://.`,
    );
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/**
 * Connects once to Redis and sends PING, failing within `timeoutMs` with a clear error instead of retrying
 * forever (ioredis's default): run before handing the connection to BullMQ.
 * @throws DistributedError `"redis-unreachable"` naming the address and the cause.
 */
export async function probeRedis(c: RedisConnection, timeoutMs: number): Promise<void> {
  const opts = redisOptions(c, timeoutMs);
  const client = new Redis({
    ...opts,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  client.on("error", (e: Error) => {
    lastError = e;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    const cause = lastError?.message ?? (e instanceof Error ? e.message : String(e));
    throw new DistributedError(
      "redis-unreachable",
      `Cannot reach Redis at ${describeConnection(c)}: ${cause}. Start one (redis-server --port 6379) or point ` +
        "the driver and workers at yours (connection option, --redis flag or PHLOX_REDIS_URL).",
    );
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
