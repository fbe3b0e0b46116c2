import { describe, expect, it } from '@jest/globals';
import { isActive, pollDelay, scanProgress } from './progress.js';

describe('scanProgress', () => {
  it('prefers bytes over layers', () => {
    expect(
      scanProgress('scanning', { layersDone: 1, layersTotal: 4, bytesRead: 750, bytesTotal: 1000 }),
    ).toEqual({
      percent: 75,
      text: '1 of 4 layers, 75%',
    });
  });

  it('falls back to layers, and accepts nested shapes', () => {
    expect(scanProgress('scanning', { layers: { done: 1, total: 4 } }).percent).toBe(25);
    expect(scanProgress('scanning', { bytes: { read: 5, total: 10 } }).percent).toBe(50);
  });

  it('reads a fraction or a percentage, clamped', () => {
    expect(scanProgress('scanning', 0.4).percent).toBe(40);
    expect(scanProgress('scanning', 40).percent).toBe(40);
    expect(scanProgress('scanning', 140).percent).toBe(100);
  });

  it('is indeterminate while queued or before anything is measurable', () => {
    expect(scanProgress('queued', null).percent).toBeUndefined();
    expect(scanProgress('scanning', {}).percent).toBeUndefined();
    expect(scanProgress('scanning', { layersTotal: 0 }).percent).toBeUndefined();
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
