import type { SchemaParts } from '@drydock/platform';
import { identityEntities } from './entities/entities.js';
import { Identity1764633600100 } from './migrations/1764633600100-Identity.js';

export * from './auth/access.decorator.js';
export * from './auth/access.guard.js';
export * from './entities/entities.js';
export * from './identity.module.js';
export * from './services/access.service.js';
export * from './services/audit.service.js';
export * from './services/identity.service.js';
export * from './services/members.service.js';
export * from './services/organizations.service.js';
export * from './services/principal.js';
export * from './services/secrets.js';
export * from './services/service-accounts.service.js';
export * from './services/teams.service.js';
export * from './services/tokens.service.js';

export const identitySchema: SchemaParts = {
  entities: identityEntities,
  migrations: [Identity1764633600100],
};
