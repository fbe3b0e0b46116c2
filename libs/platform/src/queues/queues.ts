import { Redis, type RedisOptions } from 'ioredis';

/** Queue names as an enum (style habit 7). */
export enum QueueName {
  RegistryEvents = 'registry-events',
  Scan = 'scan',
  VulndbSync = 'vulndb-sync',
  Reevaluate = 'reevaluate',
  Maintenance = 'maintenance',
}

export const REDIS = Symbol('REDIS');

/** BullMQ needs `maxRetriesPerRequest: null` on connections used by workers. */
export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...extra });
}
