import { mergeSchema, platformSchema } from '@drydock/platform';
import { identitySchema } from '@drydock/identity';
import { registrySchema } from '@drydock/registry';

/** Every lib's entities and migrations, in timestamp order: the one schema of the database. */
export const drydockSchema = mergeSchema(platformSchema, identitySchema, registrySchema);
