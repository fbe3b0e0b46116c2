import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * Documents a zod request schema in the OpenAPI document (zod 4 writes JSON Schema itself), so the
 * document is generated from the same schema the validation pipe enforces.
 */
export function zodToOpenApi(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export function ApiBodySchema(schema: z.ZodType) {
  return applyDecorators(
    ApiBody({ schema: zodToOpenApi(schema) as never }),
    ApiBadRequestResponse({ description: 'problem+json with `errors: [{field, message}]`' }),
  );
}
