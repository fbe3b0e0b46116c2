import { SlugSchema } from '@drydock/contracts';
import { schemaProblem } from '../shared/schema-validation.js';

/** Issue 2's slug rule, from the API's own schema: 2–40 chars of [a-z0-9-], no edge dash, not reserved. */
export function slugProblem(value: string): string | undefined {
  return schemaProblem(SlugSchema, value);
}
