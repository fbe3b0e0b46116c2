/** A small fetch wrapper for black-box API tests: JSON in, status + parsed body out. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  as(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {});
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body ?? {});
  }
  delete<T = any>(path: string, body?: unknown) {
    return this.request<T>('DELETE', path, body);
  }
}

let counter = 0;
/** A unique organization slug, email and password for one test identity. */
export function identity(label: string): { organization: string; email: string; password: string } {
  counter += 1;
  const n = `${label}${counter}${Math.random().toString(36).slice(2, 7)}`
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return { organization: n.slice(0, 40), email: `${n}@example.test`, password: `pw-${n}-long-enough` };
}

export async function signup(api: ApiClient, label: string) {
  const who = identity(label);
  const res = await api.post('/api/v1/signup', who);
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    ...who,
    orgId: res.body.organization.id as string,
    userId: res.body.user.id as string,
    token: res.body.accessToken as string,
    api: api.as(res.body.accessToken),
  };
}
