import { mergeSchema, platformSchema } from '@drydock/platform';
import { billingSchema } from '@drydock/billing';
import { identitySchema } from '@drydock/identity';
import { registrySchema } from '@drydock/registry';
import { scanningSchema } from '@drydock/scanning';
import { vulndbSchema } from '@drydock/vulndb';

/** Every lib's entities and migrations, in timestamp order: the one schema of the database. */
export const drydockSchema = mergeSchema(
  platformSchema,
  identitySchema,
  registrySchema,
  billingSchema,
  vulndbSchema,
  scanningSchema,
);
