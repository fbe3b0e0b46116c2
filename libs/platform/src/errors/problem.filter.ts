import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, PROBLEM_TITLES, type ErrorCode } from './app-error.js';
import { LOGGER, type Logger } from '../logging/logger.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [key: string]: unknown;
}

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  402: 'payment_required',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  503: 'unavailable',
};

export function toProblem(err: unknown, req: Request): { body: ProblemBody; cause?: unknown } {
  const requestId = (req as Request & { id?: string }).id;
  const base = { instance: req.originalUrl?.split('?')[0], requestId };
  if (err instanceof AppError) {
    return {
      body: {
        type: `https://drydock.dev/problems/${err.code.replace(/_/g, '-')}`,
        title: PROBLEM_TITLES[err.status] ?? 'Error',
        status: err.status,
        detail: err.message,
        code: err.code,
        ...base,
        ...err.extra,
      },
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status < 500) {
      const res = err.getResponse();
      const detail =
        typeof res === 'string'
          ? res
          : Array.isArray((res as { message?: unknown }).message)
            ? (res as { message: string[] }).message.join('; ')
            : typeof (res as { message?: unknown }).message === 'string'
              ? (res as { message: string }).message
              : err.message;
      const code = HTTP_CODES[status] ?? 'bad_request';
      return {
        body: {
          type: `https://drydock.dev/problems/${code.replace(/_/g, '-')}`,
          title: PROBLEM_TITLES[status] ?? 'Error',
          status,
          detail,
          code,
          ...base,
        },
      };
    }
  }
  // Anything else is a bug or an outage: say nothing internal, log everything with the request id.
  return {
    body: {
      type: 'https://drydock.dev/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred. Quote the request id when reporting it.',
      code: 'internal',
      ...base,
    },
    cause: err,
  };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { body, cause } = toProblem(exception, req);
    if (cause !== undefined) {
      this.logger.error({ err: cause, requestId: body.requestId, path: body.instance }, 'unhandled error');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (body.status === 401 && !res.getHeader('WWW-Authenticate'))
      res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}
