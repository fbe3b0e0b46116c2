import {
  HttpErrorResponse,
  type HttpEvent,
  type HttpInterceptorFn,
  type HttpRequest,
} from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { type Observable, catchError, from, switchMap, throwError } from 'rxjs';
import { parseProblem } from './api-error.js';
import { API } from './api-url.js';
import { SessionService } from './session.service.js';

/** Calls that must never carry the bearer token nor trigger a refresh-and-retry. */
const AUTH_CALLS = ['/auth/login', '/auth/refresh', '/auth/logout', '/signup'];

function isApi(url: string): boolean {
  return url.startsWith(API) || url.startsWith(`${location.origin}${API}`);
}

function isAuthCall(url: string): boolean {
  return AUTH_CALLS.some((p) => url.includes(`${API}${p}`));
}

function withToken(req: HttpRequest<unknown>, token: string | undefined): HttpRequest<unknown> {
  return token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;
}

let refreshing: Promise<boolean> | undefined;

/**
 * Attaches the access token, refreshes it once on a 401 (all requests that fail together share one
 * refresh), and turns every error into an ApiError carrying the problem+json message and field
 * errors (RFC 9457), so pages never see raw HttpErrorResponses.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  if (!isApi(req.url)) return next(req);
  const session = inject(SessionService);
  const router = inject(Router);
  const authCall = isAuthCall(req.url);
  const send = (r: HttpRequest<unknown>): Observable<HttpEvent<unknown>> =>
    next(r).pipe(catchError(toProblem));

  if (authCall) return send(req);
  return next(withToken(req, session.accessToken())).pipe(
    catchError((err: unknown) => {
      if (!(err instanceof HttpErrorResponse) || err.status !== 401) return toProblem(err);
      refreshing ??= session.refresh().finally(() => (refreshing = undefined));
      return from(refreshing).pipe(
        switchMap((ok) => {
          if (ok) return send(withToken(req, session.accessToken()));
          session.clear();
          void router.navigate(['/sign-in'], { queryParams: { returnUrl: router.url } });
          return toProblem(err);
        }),
      );
    }),
  );
};

function toProblem(err: unknown): Observable<never> {
  if (err instanceof HttpErrorResponse) {
    const requestId = err.headers?.get('x-request-id') ?? undefined;
    return throwError(() => parseProblem(err.status, err.error, requestId));
  }
  return throwError(() => err);
}
