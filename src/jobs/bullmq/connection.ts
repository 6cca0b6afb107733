/**
 * Redis connections for the fleet (ioredis). Workers' and blocking readers' connections use
 * `maxRetriesPerRequest: null`, as BullMQ requires: a command waits through a Redis restart
 * instead of failing. The server's own connection fails a command after a few reconnection
 * attempts, so an HTTP request answers 503 rather than hanging while Redis is down.
 */
import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'worker' | 'blocking' | 'client';

export function connectRedis(url: string, role: RedisRole, name: string): Redis {
  const options: RedisOptions = {
    connectionName: `greenroom:${role}:${name}`,
    maxRetriesPerRequest: role === 'client' ? 3 : null,
    // Reconnect quickly after a Redis restart, then back off to 2 s.
    retryStrategy: (times) => Math.min(100 * times, 2000),
    enableReadyCheck: true,
  };
  return new Redis(url, options);
}
