import { describe, expect, it } from '@jest/globals';
import { isActive, pollDelay, scanProgress } from './progress.js';

const p = (layersDone: number, layersTotal: number, bytesRead: number, bytesTotal: number) => ({
  layersDone,
  layersTotal,
  bytesRead,
  bytesTotal,
});

describe('scanProgress', () => {
  it('prefers bytes over layers', () => {
    expect(scanProgress('scanning', p(1, 4, 750, 1000))).toEqual({ percent: 75, text: '1 of 4 layers, 75%' });
  });

  it('falls back to layers while sizes are unknown', () => {
    expect(scanProgress('scanning', p(1, 4, 0, 0)).percent).toBe(25);
  });

  it('moves forward as the worker reports', () => {
    const seen = [p(0, 2, 0, 100), p(1, 2, 40, 100), p(2, 2, 100, 100)].map(
      (x) => scanProgress('scanning', x).percent,
    );
    expect(seen).toEqual([0, 40, 100]);
  });

  it('is indeterminate while queued or before anything is measurable, clamped otherwise', () => {
    expect(scanProgress('queued', null).percent).toBeUndefined();
    expect(scanProgress('scanning', null)).toEqual({ percent: undefined, text: 'Scanning' });
    expect(scanProgress('scanning', p(0, 0, 0, 0)).percent).toBeUndefined();
    expect(scanProgress('scanning', p(3, 2, 150, 100)).percent).toBe(100);
  });

  it('is full when completed', () => {
    expect(scanProgress('completed', null).percent).toBe(100);
    expect(scanProgress('failed', null).percent).toBeUndefined();
  });
});

describe('polling', () => {
  it('polls only while a scan is queued or running', () => {
    expect(pollDelay({ status: 'scanning' })).toBe(1000);
    expect(pollDelay({ status: 'queued' })).toBe(2000);
    expect(pollDelay({ status: 'completed' })).toBeUndefined();
    expect(pollDelay(undefined)).toBeUndefined();
    expect(isActive('queued')).toBe(true);
    expect(isActive('failed')).toBe(false);
  });
});
