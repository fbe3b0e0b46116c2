import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import type { EnvironmentProviders, Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { type Routes, provideRouter } from '@angular/router';
import type { MeResponse, OrgRole, RepoLevel } from '@drydock/contracts';
import { API } from '../app/core/api-url.js';
import { authInterceptor } from '../app/core/auth.interceptor.js';
import { SessionService } from '../app/core/session.service.js';
import type {
  Component as ImageComponent,
  Layer,
  LayerComponent,
  Repository,
  ScanResult,
  SeverityCounts,
  Tag,
  Vulnerability,
} from '../app/repos/repo-types.js';

/**
 * The HTTP API is the component tests' only stand-in: the components, their templates, Angular
 * Material, the router and the app's HTTP interceptor (problem+json → ApiError) are the real ones.
 * Each test answers the requests a page makes, as the API would, and `verify()` afterwards fails
 * on any request left unanswered.
 */
export function apiProviders(routes: Routes = []): (Provider | EnvironmentProviders)[] {
  return [
    provideHttpClient(withInterceptors([authInterceptor])),
    provideHttpClientTesting(),
    provideRouter(routes),
  ];
}

export class FakeApi {
  readonly http = TestBed.inject(HttpTestingController);

  /** The one pending request to `url` (path without query), answered with `body`. */
  answer(
    method: string,
    url: string,
    body: unknown,
    init?: { status?: number; statusText?: string },
  ): TestRequest {
    const req = this.http.expectOne((r) => r.method === method && r.url === url, `${method} ${url}`);
    req.flush(body as never, init && { statusText: 'OK', ...init });
    return req;
  }

  /** A problem+json error answer (RFC 9457), as the API sends them. */
  fail(method: string, url: string, status: number, title: string, detail: string): TestRequest {
    const req = this.http.expectOne((r) => r.method === method && r.url === url, `${method} ${url}`);
    req.flush({ type: 'about:blank', title, status, detail }, { status, statusText: title });
    return req;
  }

  pending(url: string): TestRequest[] {
    return this.http.match((r) => r.url === url);
  }

  /** Signs the user in as `role` of the organization (what /me answers). */
  async signIn(org: string, role: OrgRole): Promise<void> {
    const session = TestBed.inject(SessionService);
    const loading = session.loadMe();
    const me: MeResponse = {
      id: 'u1',
      email: 'dev@example.com',
      platformAdmin: false,
      organizations: [{ slug: org, role }],
    };
    this.answer('GET', `${API}/me`, me);
    await loading;
  }

  verify(): void {
    this.http.verify();
  }
}

/** Lets the awaited promises behind an answered request run to their end. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const NOW = '2026-11-30T10:00:00.000Z';

export function repository(level: RepoLevel | null, over: Partial<Repository> = {}): Repository {
  return {
    id: 'r1',
    name: 'acme/api',
    path: 'api',
    visibility: 'private',
    scanMode: 'on_push',
    description: null,
    tagCount: 1,
    lastPushedAt: NOW,
    level,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
}

/** `GET …/tags/{tag}`: an image tag whose config says linux/amd64. */
export function tag(over: Partial<Tag> = {}): Tag {
  return {
    name: 'v1',
    digest: `sha256:${'ab'.repeat(32)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    totalSize: 12_345_678,
    platforms: [{ os: 'linux', architecture: 'amd64' }],
    pushedAt: NOW,
    pushedBy: 'ci@acme',
    ...over,
  };
}

export function counts(c: Partial<SeverityCounts> = {}): SeverityCounts {
  const base = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, ...c };
  return { ...base, total: base.critical + base.high + base.medium + base.low + base.unknown };
}

export function scan(over: Partial<ScanResult> = {}): ScanResult {
  return {
    status: 'completed',
    progress: null,
    error: null,
    counts: counts(),
    scannedAt: NOW,
    evaluatedAt: NOW,
    dbVersion: 'nvd-2026-11-30',
    digest: `sha256:${'ab'.repeat(32)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 12_345_678,
    pushedAt: NOW,
    pushedBy: 'ci@acme',
    ...over,
  };
}

export function vuln(
  id: string,
  severity: Vulnerability['severity'],
  fixedVersion: string | null = null,
): Vulnerability {
  return {
    id,
    aliases: [],
    severity,
    score: null,
    summary: `${id} summary`,
    fixedVersion,
    link: `https://nvd.nist.gov/vuln/detail/${id}`,
  };
}

export function component(
  name: string,
  vulnerabilities: Vulnerability[] = [],
  over: Partial<ImageComponent> = {},
): ImageComponent {
  return {
    type: 'deb',
    name,
    version: '1.0',
    purl: `pkg:deb/debian/${name}@1.0`,
    licenses: ['MIT'],
    paths: [],
    layerIndex: 0,
    vulnerabilities,
    ...over,
  };
}

export function layerComponent(name: string, c: Partial<SeverityCounts> = {}): LayerComponent {
  const k = counts(c);
  return {
    type: 'deb',
    name,
    version: '1.0',
    purl: `pkg:deb/debian/${name}@1.0`,
    counts: k,
    vulnerabilityCount: k.total,
  };
}

export function layer(index: number, createdBy: string, over: Partial<Layer> = {}): Layer {
  return {
    index,
    digest: `sha256:${String(index).repeat(64)}`,
    diffId: null,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    size: 1000 * (index + 1),
    createdBy,
    status: 'scanned',
    components: [],
    removed: [],
    ...over,
  };
}

/** `[data-testid=…]` elements under `root`. */
export function byTestId(root: Element, id: string): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
}

export function text(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
