import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRunner } from '@drydock/platform';

/**
 * The queue processors. Job handlers live in the libs (registry, scanning, vulndb) as @JobHandler
 * methods of their providers; this module only discovers and runs them.
 */
@Module({ imports: [DiscoveryModule], providers: [JobRunner] })
export class WorkerModule {}
