import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { VulndbService } from './vulndb.service.js';

/**
 * The vulnerability database for the api and the worker. Needs PlatformModule (DataSource, config,
 * queues). For re-evaluation the scanning add-on provides VULNDB_IMAGE_STORE (and optionally
 * VULNDB_EVENTS), either globally or through `register({imports, providers})`; the admin
 * controllers call VulndbService.
 */
@Module({ providers: [VulndbService], exports: [VulndbService] })
export class VulndbModule {
  static register(opts: { imports?: ModuleMetadata['imports']; providers?: Provider[] } = {}): DynamicModule {
    return {
      module: VulndbModule,
      imports: opts.imports ?? [],
      providers: [VulndbService, ...(opts.providers ?? [])],
      exports: [VulndbService],
    };
  }
}
