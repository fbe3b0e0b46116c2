import { describe, expect, it } from '@jest/globals';
import { exportFileName, exportRequest } from './downloads.js';

describe('exports', () => {
  it('asks for the right format', () => {
    expect(exportRequest('sbom-spdx')).toEqual({ path: 'sbom', format: 'spdx', ext: 'spdx.json' });
    expect(exportRequest('report-csv').format).toBe('csv');
  });
  it('names files safely', () => {
    expect(exportFileName('acme/payments/api', 'v1.2', 'sbom-cyclonedx')).toBe(
      'acme_payments_api-v1.2.sbom.cdx.json',
    );
  });
});
