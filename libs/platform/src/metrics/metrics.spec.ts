import { describe, expect, it } from '@jest/globals';
import { Metrics, routeFamily } from './metrics.js';

describe('metrics', () => {
  it('groups paths into bounded families that never carry tenant names or digests', () => {
    expect(routeFamily('/v2/acme/web/blobs/uploads/123')).toBe('registry_upload');
    expect(routeFamily('/v2/acme/web/manifests/sha256:abc')).toBe('registry_manifest');
    expect(routeFamily('/api/v1/orgs/acme/teams')).toBe('api_orgs');
    expect(routeFamily('/some/portal/route')).toBe('portal');
  });

  it('exposes request counters in the Prometheus text format', async () => {
    const m = new Metrics();
    m.httpRequests.inc({ family: 'api_orgs', method: 'GET', status: '2xx' });
    const text = await m.registry.metrics();
    expect(text).toContain('drydock_http_requests_total{family="api_orgs",method="GET",status="2xx"} 1');
    expect(text).toContain('drydock_process_cpu_seconds_total');
  });
});
