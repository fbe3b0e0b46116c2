import { describe, expect, it } from '@jest/globals';
import { pathInOrg, platformText, pushCommands, repoUrl, shortDigest, tagUrl } from './repo-api.js';

describe('repository helpers', () => {
  it('encodes names with slashes as one segment', () => {
    expect(repoUrl('acme', 'payments/api')).toBe('/api/v1/orgs/acme/repositories/payments%2Fapi');
    expect(tagUrl('acme', 'web', 'v1.0')).toBe('/api/v1/orgs/acme/repositories/web/tags/v1.0');
  });

  it('strips the org from a full name', () => {
    expect(pathInOrg('acme', 'acme/payments/api')).toBe('payments/api');
    expect(pathInOrg('acme', 'web')).toBe('web');
  });

  it('shortens digests and formats platforms', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
    expect(shortDigest(undefined)).toBe('—');
    expect(platformText({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
  });

  it('shows the push commands for this host', () => {
    expect(pushCommands('registry.example:8080', 'acme')).toEqual([
      'docker login registry.example:8080',
      'docker tag my-image:latest registry.example:8080/acme/my-image:latest',
      'docker push registry.example:8080/acme/my-image:latest',
    ]);
  });
});
