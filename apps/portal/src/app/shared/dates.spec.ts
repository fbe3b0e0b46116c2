import { describe, expect, it } from '@jest/globals';
import { expiryFromDays, formatBytes, formatDate } from './dates.js';

describe('formatting', () => {
  it('formats sizes in SI units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(123_456_789)).toBe('123 MB');
    expect(formatBytes(undefined)).toBe('—');
  });

  it('shows a dash for missing dates and keeps unparsable ones', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDate('soon')).toBe('soon');
  });

  it('turns an expiry choice into an ISO date, none for never', () => {
    expect(expiryFromDays(30, new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-31T00:00:00.000Z');
    expect(expiryFromDays(0)).toBeUndefined();
    expect(expiryFromDays(null)).toBeUndefined();
  });
});
