import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('redacts credentials wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        body: { password: 'hunter2-secret-pw', token: 'ddk_abc' },
        req: { headers: { authorization: 'Bearer xyz' } },
      },
      'x',
    );
    const out = lines.join('');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('ddk_abc');
    expect(out).not.toContain('Bearer xyz');
    expect(out).toContain('[redacted]');
  });
});
