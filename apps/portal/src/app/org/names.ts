import { CreateServiceAccountRequest, TeamNameSchema } from '@drydock/contracts';
import { schemaProblem } from '../shared/schema-validation.js';

/** Service account and team names follow the API's schemas in `@drydock/contracts`. */
export function serviceAccountNameProblem(name: string): string | undefined {
  return name ? schemaProblem(CreateServiceAccountRequest.shape.name, name) : undefined;
}

export function teamNameProblem(name: string): string | undefined {
  return name ? schemaProblem(TeamNameSchema, name) : undefined;
}
