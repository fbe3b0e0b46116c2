import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, PlatformModule, type Logger } from '@drydock/platform';
import { BillingModule } from '@drydock/billing';
import { IdentityModule } from '@drydock/identity';
import { RegistryModule } from '@drydock/registry';
import { ScanningModule } from '@drydock/scanning';
import { VulndbModule } from '@drydock/vulndb';
import { drydockSchema } from './schema.js';

/** Shared by the API and the worker: platform services, identity and the feature modules. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, logger: Logger, opts: { migrate: boolean }): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        PlatformModule.forRoot({ config, logger, schema: drydockSchema, migrate: opts.migrate }),
        IdentityModule,
        RegistryModule,
        BillingModule,
        VulndbModule,
        ScanningModule,
      ],
      // The HTTP controllers of apps/api use these modules' services.
      exports: [IdentityModule, RegistryModule, BillingModule, VulndbModule, ScanningModule],
    };
  }
}
