import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from './config.js';

const dir = () => mkdtempSync(join(tmpdir(), 'ddcfg-'));

describe('parseConfig', () => {
  it('applies defaults and derives the public URL from the port', () => {
    const c = parseConfig({ DATA_DIR: dir(), PORT: '9090' });
    expect(c.http.port).toBe(9090);
    expect(c.publicUrl).toBe('http://localhost:9090');
    expect(c.database.url).toBeUndefined();
    expect(c.secretsKey).toHaveLength(32);
    expect(c.registry.signingKey).toContain('PRIVATE KEY');
  });

  it('names every bad variable', () => {
    let err: unknown;
    try {
      parseConfig({
        DATA_DIR: dir(),
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        DRYDOCK_ADMIN_PASSWORD: 'short',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('PORT');
    expect(msg).toContain('DATABASE_URL');
    expect(msg).toContain('DRYDOCK_ADMIN_PASSWORD');
  });

  it('keeps generated secrets stable across restarts', () => {
    const d = dir();
    expect(parseConfig({ DATA_DIR: d }).auth.jwtSecret).toBe(parseConfig({ DATA_DIR: d }).auth.jwtSecret);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ DATA_DIR: dir(), DATABASE_URL: '' }).database.url).toBeUndefined();
  });
});
