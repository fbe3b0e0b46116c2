import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  AppConfig,
  createValidationPipe,
  Metrics,
  ProblemFilter,
  requestContext,
  type Logger,
} from '@drydock/platform';
import { STRIPE_WEBHOOK_PATH } from '@drydock/billing';
import { AppModule } from './app.module.js';

/** Paths outside the REST prefix: the registry, its token service, health and metrics. */
export const UNPREFIXED = ['healthz', 'readyz', 'metrics', 'auth/token', 'v2', 'v2/{*path}'];
const NON_PORTAL = /^\/(api|v2|auth\/token|healthz|readyz|metrics)(\/|$)/;

function nestLogger(logger: Logger): LoggerService {
  return {
    log: (m: unknown, ctx?: string) => logger.debug({ context: ctx }, String(m)),
    error: (m: unknown, trace?: string, ctx?: string) => logger.error({ context: ctx, trace }, String(m)),
    warn: (m: unknown, ctx?: string) => logger.warn({ context: ctx }, String(m)),
    debug: (m: unknown, ctx?: string) => logger.trace({ context: ctx }, String(m)),
    verbose: (m: unknown, ctx?: string) => logger.trace({ context: ctx }, String(m)),
  };
}

export function buildOpenApi(app: INestApplication, config: AppConfig): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('Drydock API')
    .setDescription(
      'Multi-tenant container registry with a built-in vulnerability scanner. Errors are RFC 9457 ' +
        'problem+json with a stable `code`. The OCI Distribution API lives at /v2/ (not described here).',
    )
    .setVersion('1')
    .addServer(config.publicUrl)
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'A session access token or a ddk_ API token',
    })
    .build();
  return SwaggerModule.createDocument(app, doc);
}

export interface HttpAppOptions {
  migrate: boolean;
  worker: boolean;
}

export async function createHttpApp(
  config: AppConfig,
  logger: Logger,
  opts: HttpAppOptions,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger, opts), {
    logger: nestLogger(logger),
    bodyParser: false,
  });
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  app.use(requestContext(logger));
  const metrics = new Metrics();
  app.use(metrics.middleware());
  app.use('/metrics', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path !== '/') return next();
    metrics.registry.metrics().then((text) => res.type(metrics.registry.contentType).send(text), next);
  });
  // JSON bodies for the REST API only: /v2 streams raw bytes (blobs, manifests of any media type).
  const json = express.json({ limit: '1mb' });
  // Stripe signs the exact bytes it sends: its webhook gets them unparsed (stripe.webhooks.constructEvent).
  const raw = express.raw({ type: '*/*', limit: '1mb' });
  app.use((req: Request, res: Response, next: NextFunction) =>
    req.path === STRIPE_WEBHOOK_PATH
      ? raw(req, res, next)
      : req.path.startsWith('/api/')
        ? json(req, res, next)
        : next(),
  );
  app.use(cookieParser());
  app.setGlobalPrefix('api/v1', { exclude: UNPREFIXED });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(logger));
  // No enableShutdownHooks(): main.ts owns SIGINT/SIGTERM (close the app, then stop embedded servers);
  // Nest's own handler would re-raise the signal and kill the process before that finishes.

  SwaggerModule.setup('api/docs', app, () => buildOpenApi(app, config), { jsonDocumentUrl: 'api/docs-json' });

  // The built portal at / with an SPA fallback for its client-side routes.
  const portal = config.portalDir;
  if (existsSync(join(portal, 'index.html'))) {
    app.use(express.static(portal, { index: false, maxAge: '1h' }));
    app.use((req: Request, res: Response, next: NextFunction) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || NON_PORTAL.test(req.path)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(portal, 'index.html'));
    });
  } else {
    logger.warn({ portal }, 'portal not built: `npm run build:portal` to serve it at /');
  }
  return app;
}
