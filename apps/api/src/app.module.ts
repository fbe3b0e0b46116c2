import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, type Logger } from '@drydock/platform';
import { AccessGuardModule } from '@drydock/identity';
import { WorkerModule } from '../../worker/src/worker.module.js';
import { AddonsController, AdminAddonsController } from './controllers/addons.controller.js';
import { AdminController } from './controllers/admin.controller.js';
import { AuthController } from './controllers/auth.controller.js';
import { BillingController } from './controllers/billing.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { MeController } from './controllers/me.controller.js';
import { MembersController } from './controllers/members.controller.js';
import { ServiceAccountsController } from './controllers/service-accounts.controller.js';
import { TeamsController } from './controllers/teams.controller.js';
import { VulndbAdminController } from './controllers/vulndb-admin.controller.js';
import { CoreModule } from './core.module.js';

export const API_CONTROLLERS = [
  AuthController,
  MeController,
  MembersController,
  TeamsController,
  ServiceAccountsController,
  AdminController,
  AddonsController,
  AdminAddonsController,
  BillingController,
  HealthController,
  VulndbAdminController,
];

@Module({})
export class AppModule {
  /** The HTTP app; with `worker` it also runs the queue processors in the same process (npm start). */
  static forRoot(
    config: AppConfig,
    logger: Logger,
    opts: { migrate: boolean; worker: boolean },
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger, { migrate: opts.migrate }),
        AccessGuardModule,
        ...(opts.worker ? [WorkerModule] : []),
      ],
      controllers: API_CONTROLLERS,
    };
  }
}
