import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig, Logger } from '@drydock/platform';
import { AppModule } from '../app.module.js';
import { buildOpenApi } from '../http-app.js';

/** The OpenAPI document from the code alone: preview mode instantiates no provider (no database needed). */
export async function generateOpenApi(config: AppConfig, logger: Logger): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.forRoot(config, logger, { migrate: false, worker: false }), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('api/v1', { exclude: (await import('../http-app.js')).UNPREFIXED });
  const doc = buildOpenApi(app, config);
  await app.close();
  return doc;
}
