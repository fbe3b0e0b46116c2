import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { redisUrl } from '../../../../test/support/database.js';
import { startTestApp } from '../../../../test/support/test-app.js';

/** Connections of one instance's queue workers, by the name JobRunner gives them. */
async function workerConnections(admin: Redis, prefix: string): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  return list.split('\n').filter((l) => l.includes(` name=${prefix}:worker:`)).length;
}

describe('JobRunner shutdown', () => {
  it('closes every worker connection it opened, so none is left reconnecting to a stopped Redis', async () => {
    const admin = new Redis(redisUrl());
    try {
      const t = await startTestApp({ worker: true });
      const prefix = t.config.redis.prefix;
      // Each worker's own connection (named once it has connected) and BullMQ's blocking one.
      const until = async (ok: (n: number) => boolean) => {
        let n = await workerConnections(admin, prefix);
        for (let i = 0; i < 50 && !ok(n); i++) {
          await new Promise((r) => setTimeout(r, 100));
          n = await workerConnections(admin, prefix);
        }
        return n;
      };
      expect(await until((n) => n > 0)).toBeGreaterThan(0);
      await t.close();
      const left = await until((n) => n === 0);
      expect(left).toBe(0);
    } finally {
      admin.disconnect();
    }
  }, 60_000);
});
