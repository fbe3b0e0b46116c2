import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export const LOGGER = Symbol('LOGGER');

/**
 * Structured JSON logs. Credentials never reach them: the redaction list covers the places where a
 * token, password or key can appear in what we log (headers, bodies, config).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.secret',
  '*.authorization',
  'password',
  'token',
  'apiKey',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'drydock' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as pino.DestinationStream | undefined,
  );
}
