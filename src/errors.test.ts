import { describe, expect, it } from 'vitest';
import { ItbotError, StoreError, UsageError } from './errors.js';

describe('ItbotError', () => {
  it('is recognised when made by another copy of this module (the bundled ask and chat)', () => {
    // What a bundled copy's UsageError looks like from here: another class, the same brand.
    const fromACopy = Object.assign(new Error('Unknown output format "xml".'), {
      exitCode: 2,
      [Symbol.for('itbot.ItbotError')]: true,
    });
    expect(fromACopy instanceof ItbotError).toBe(true);
    expect(new Error('plain') instanceof ItbotError).toBe(false);
  });

  it('keeps subclasses apart', () => {
    expect(new UsageError('x') instanceof ItbotError).toBe(true);
    expect(new UsageError('x') instanceof UsageError).toBe(true);
    expect(new UsageError('x') instanceof StoreError).toBe(false);
  });
});
