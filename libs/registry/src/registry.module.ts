import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AppConfig } from '@drydock/platform';
import { IdentityRegistryAdapter } from './auth/identity.adapter.js';
import { REGISTRY_IDENTITY } from './auth/identity-port.js';
import { RegistryAuthService } from './auth/registry-auth.service.js';
import { RegistryStore } from './db/registry-store.js';
import { TokenHandler } from './http/token.handler.js';
import { V2Handler } from './http/v2.handler.js';
import { RegistryMaintenance } from './jobs/maintenance.service.js';
import { RepositoriesController } from './rest/repositories.controller.js';
import { RepositoriesService } from './rest/repositories.service.js';
import { ManifestsService } from './services/manifests.service.js';
import { UploadsService } from './services/uploads.service.js';
import { BLOB_STORE } from './storage/blob-store.js';
import { FsBlobStore } from './storage/fs-blob-store.js';
import { RegistryTokenService } from './token/registry-token.service.js';

/**
 * The OCI registry: /v2 (distribution-spec v1.1), /auth/token (Docker token auth) and the REST
 * repositories API. /v2 and /auth/token are plain Express middleware, not Nest routes: repository
 * names contain slashes and bodies must stream raw, untouched by any body parser.
 */
@Module({
  controllers: [RepositoriesController],
  providers: [
    { provide: REGISTRY_IDENTITY, useClass: IdentityRegistryAdapter },
    {
      provide: BLOB_STORE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new FsBlobStore(config.storage.path),
    },
    {
      provide: RegistryTokenService,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new RegistryTokenService({
          signingKey: config.registry.signingKey,
          keyId: config.registry.signingKeyId,
          issuer: config.publicUrl,
          service: config.registry.service,
          ttlSeconds: config.registry.tokenTtlSeconds,
        }),
    },
    RegistryStore,
    RegistryAuthService,
    UploadsService,
    ManifestsService,
    V2Handler,
    TokenHandler,
    RepositoriesService,
    RegistryMaintenance,
  ],
  exports: [RegistryStore, BLOB_STORE, RegistryAuthService, REGISTRY_IDENTITY],
})
export class RegistryModule implements NestModule {
  constructor(
    private readonly v2: V2Handler,
    private readonly token: TokenHandler,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(this.v2.middleware, this.token.middleware)
      .forRoutes(
        { path: 'v2', method: RequestMethod.ALL },
        { path: 'v2/{*path}', method: RequestMethod.ALL },
        { path: 'auth/token', method: RequestMethod.ALL },
      );
  }
}
