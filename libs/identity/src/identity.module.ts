import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AppConfig } from '@drydock/platform';
import { AccessGuard } from './auth/access.guard.js';
import { JwtStrategy } from './auth/jwt.strategy.js';
import { AccessService } from './services/access.service.js';
import { AuditService } from './services/audit.service.js';
import { IdentityService } from './services/identity.service.js';
import { Mailer } from './services/mailer.js';
import { MembersService } from './services/members.service.js';
import { OrganizationsService } from './services/organizations.service.js';
import { ServiceAccountsService } from './services/service-accounts.service.js';
import { TeamsService } from './services/teams.service.js';
import { PersonalTokensService } from './services/tokens.service.js';

const services = [
  AccessService,
  AuditService,
  IdentityService,
  Mailer,
  MembersService,
  OrganizationsService,
  ServiceAccountsService,
  TeamsService,
  PersonalTokensService,
];

/** Identity and access for every app. Global: the registry and scanning modules use AccessService. */
@Global()
@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: 'HS256' },
      }),
    }),
  ],
  providers: [...services, JwtStrategy],
  exports: services,
})
export class IdentityModule {}

/** Registers the access guard globally; only the HTTP app imports this. */
@Module({ providers: [{ provide: APP_GUARD, useClass: AccessGuard }] })
export class AccessGuardModule {}
