import {
  Inject,
  Injectable,
  SetMetadata,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/config.js';
import { LOGGER, type Logger } from '../logging/logger.js';
import { QueueName, REDIS } from './queues.js';

export const JOB_HANDLER = 'drydock:job-handler';

export interface JobHandlerMeta {
  queue: QueueName;
  name: string;
  /**
   * Concurrency of the queue's worker (the highest declared on the queue wins); a function reads it
   * from the configuration at boot (e.g. `SCAN_CONCURRENCY`).
   */
  concurrency?: number | ((config: AppConfig) => number);
}

/** Marks a provider method as the handler of one job name on one queue (names as enums: habit 7). */
export const JobHandler = (
  queue: QueueName,
  name: string,
  opts: { concurrency?: JobHandlerMeta['concurrency'] } = {},
) => SetMetadata(JOB_HANDLER, { queue, name, ...opts } satisfies JobHandlerMeta);

type Handler = (job: Job) => Promise<unknown>;

const SHUTDOWN_GRACE_MS = 5_000;

export class DuplicateJobHandlerError extends Error {}

/**
 * Discovers @JobHandler methods at boot (after Immich's job repository): one BullMQ worker per queue
 * dispatches by job name; boot fails if a job name has two handlers, and a job whose name has none
 * fails loudly instead of vanishing.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];
  readonly handlers = new Map<QueueName, Map<string, Handler>>();
  private readonly active = new Set<Promise<unknown>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  discover(): Map<QueueName, { handlers: Map<string, Handler>; concurrency: number }> {
    const byQueue = new Map<QueueName, { handlers: Map<string, Handler>; concurrency: number }>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const meta = this.reflector.get<JobHandlerMeta | undefined>(JOB_HANDLER, fn as () => unknown);
        if (!meta) continue;
        const entry = byQueue.get(meta.queue) ?? { handlers: new Map<string, Handler>(), concurrency: 1 };
        if (entry.handlers.has(meta.name)) {
          throw new DuplicateJobHandlerError(`Job ${meta.queue}/${meta.name} has two handlers`);
        }
        entry.handlers.set(meta.name, (job: Job) => (fn as Handler).call(instance, job));
        const declared =
          typeof meta.concurrency === 'function' ? meta.concurrency(this.config) : (meta.concurrency ?? 1);
        entry.concurrency = Math.max(entry.concurrency, declared);
        byQueue.set(meta.queue, entry);
      }
    }
    return byQueue;
  }

  onApplicationBootstrap(): void {
    for (const [queue, { handlers, concurrency }] of this.discover()) {
      this.handlers.set(queue, handlers);
      // Named after the instance's Redis prefix and queue (CLIENT LIST shows whose it is). BullMQ
      // leaves a connection it was given open when the worker closes: shutdown disconnects it.
      const connection = this.redis.duplicate({
        connectionName: `${this.config.redis.prefix}:worker:${queue}`,
      });
      this.connections.push(connection);
      const worker = new Worker(
        queue,
        async (job: Job) => {
          const handler = handlers.get(job.name);
          if (!handler) throw new Error(`No handler for job ${queue}/${job.name}`);
          const run = handler(job);
          this.active.add(run);
          try {
            return await run;
          } finally {
            this.active.delete(run);
          }
        },
        {
          connection,
          prefix: this.config.redis.prefix,
          concurrency,
          // A worker that dies mid-job stops renewing its lock; another picks the job up (stalled recovery).
          lockDuration: 30_000,
          stalledInterval: 15_000,
          maxStalledCount: 2,
        },
      );
      worker.on('failed', (job, err) =>
        this.logger.warn(
          { queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
          'job failed',
        ),
      );
      worker.on('error', (err) => this.logger.error({ queue, err: err.message }, 'worker error'));
      this.workers.push(worker);
      this.logger.info({ queue, jobs: [...handlers.keys()], concurrency }, 'worker started');
    }
  }

  /**
   * Lets running jobs finish for a short grace period, then closes without waiting: an unfinished job's
   * lock lapses and another worker picks it up (stalled-job recovery), so shutdown never hangs on a
   * long scan or a sync stuck in retries.
   */
  async onApplicationShutdown(): Promise<void> {
    // Take no new jobs while the running ones finish.
    await Promise.all(this.workers.map((w) => w.pause(true).catch(() => undefined)));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, SHUTDOWN_GRACE_MS)));
    await Promise.race([Promise.allSettled([...this.active]), grace]);
    clearTimeout(timer);
    await Promise.all(this.workers.map((w) => w.close(true).catch(() => undefined)));
    // Otherwise they would keep reconnecting (and logging) once an embedded Redis is stopped.
    for (const c of this.connections) c.disconnect();
  }
}
