import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { SCAN_STATUS_OPENAPI, SEVERITY_COUNTS_OPENAPI } from '@drydock/contracts';

/* OpenAPI schemas of the scanning responses (the types live in @drydock/contracts). */

const STATUS = SCAN_STATUS_OPENAPI;
export const COUNTS_SCHEMA = SEVERITY_COUNTS_OPENAPI;
const PROGRESS = {
  type: 'object',
  nullable: true,
  properties: {
    layersDone: { type: 'integer' },
    layersTotal: { type: 'integer' },
    bytesRead: { type: 'integer' },
    bytesTotal: { type: 'integer' },
  },
};
const PLATFORM = {
  type: 'object',
  nullable: true,
  properties: { os: { type: 'string' }, architecture: { type: 'string' }, variant: { type: 'string' } },
};
const SCAN_FIELDS = {
  status: STATUS,
  progress: PROGRESS,
  error: { type: 'string', nullable: true },
  counts: COUNTS_SCHEMA,
  scannedAt: {
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'when the layers were read',
  },
  evaluatedAt: {
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'when findings were last computed',
  },
  dbVersion: {
    type: 'string',
    nullable: true,
    description: 'vulnerability database version of the findings',
  },
};

export const SCAN_SCHEMA = {
  type: 'object',
  properties: {
    ...SCAN_FIELDS,
    digest: { type: 'string' },
    mediaType: { type: 'string' },
    size: { type: 'integer' },
    pushedAt: { type: 'string', format: 'date-time' },
    pushedBy: { type: 'string', nullable: true },
    platforms: {
      type: 'array',
      description: 'An index: each platform (the top-level fields are their aggregate)',
      items: {
        type: 'object',
        properties: { digest: { type: 'string' }, platform: PLATFORM, ...SCAN_FIELDS },
      },
    },
  },
};

export const SCAN_REQUESTED_SCHEMA = {
  type: 'object',
  properties: {
    digest: { type: 'string' },
    queued: { type: 'array', items: { type: 'string' }, description: 'image digests queued' },
    status: STATUS,
  },
};

const VULN = {
  type: 'object',
  properties: {
    id: { type: 'string', example: 'CVE-2024-0001' },
    aliases: { type: 'array', items: { type: 'string' } },
    severity: { type: 'string', enum: ['critical', 'high', 'medium', 'low', 'unknown'] },
    score: { type: 'number', nullable: true },
    summary: { type: 'string', nullable: true },
    fixedVersion: { type: 'string', nullable: true },
    link: { type: 'string' },
    versionUnknown: { type: 'boolean' },
  },
};

const COMPONENT = {
  type: 'object',
  properties: {
    type: { type: 'string', example: 'deb' },
    name: { type: 'string' },
    version: { type: 'string', nullable: true },
    purl: { type: 'string' },
    licenses: { type: 'array', items: { type: 'string' } },
    paths: { type: 'array', items: { type: 'string' } },
    layerIndex: { type: 'integer' },
    platform: { type: 'string', description: 'index tags: os/arch of the image' },
    vulnerabilities: { type: 'array', items: VULN },
  },
};

export const COMPONENT_PAGE_SCHEMA = {
  type: 'object',
  properties: {
    items: { type: 'array', items: COMPONENT },
    total: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    nextCursor: { type: 'string', nullable: true },
  },
};

const LAYER_COMPONENT = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'string', nullable: true },
    purl: { type: 'string' },
    counts: COUNTS_SCHEMA,
    vulnerabilityCount: { type: 'integer' },
  },
};

const LAYER = {
  type: 'object',
  properties: {
    index: { type: 'integer' },
    digest: { type: 'string' },
    diffId: { type: 'string', nullable: true },
    mediaType: { type: 'string' },
    size: { type: 'integer' },
    createdBy: { type: 'string', nullable: true, description: 'the Dockerfile command' },
    status: { type: 'string', enum: ['scanned', 'not-scanned'] },
    reason: { type: 'string' },
    components: { type: 'array', items: LAYER_COMPONENT },
    removed: { type: 'array', items: LAYER_COMPONENT },
  },
};

export const LAYERS_SCHEMA = {
  type: 'object',
  properties: {
    digest: { type: 'string' },
    layers: { type: 'array', items: LAYER },
    platforms: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          digest: { type: 'string' },
          platform: PLATFORM,
          layers: { type: 'array', items: LAYER },
        },
      },
    },
  },
};

/** Documents each field of a zod query object as a query parameter. */
export function queryParams(schema: z.ZodObject) {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
  };
  return applyDecorators(
    // A zod `.describe()` documents the parameter, not only its schema (where Swagger UI hides it).
    ...Object.entries(json.properties ?? {}).map(([name, { description, ...s }]) =>
      ApiQuery({
        name,
        required: false,
        ...(typeof description === 'string' ? { description } : {}),
        schema: s as never,
      }),
    ),
  );
}
