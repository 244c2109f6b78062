import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { redactUrl, resolveConfig } from './index.js';

describe('DATABASE_READ_URL', () => {
  it('is read beside DATABASE_URL, and prints without its password', () => {
    const config = resolveConfig({
      DATABASE_URL: 'postgres://itbot:secret@pgbouncer:6432/itbot',
      DATABASE_READ_URL: 'postgres://itbot:replica-secret@pgbouncer-replica:6432/itbot',
    });
    expect(config.databaseReadUrl).toBe('postgres://itbot:replica-secret@pgbouncer-replica:6432/itbot');
    expect(redactUrl(config.databaseReadUrl ?? '')).toBe('postgres://itbot:***@pgbouncer-replica:6432/itbot');
  });

  it('is refused without a primary, and when it is not a PostgreSQL URL', () => {
    expect(() => resolveConfig({ DATABASE_READ_URL: 'postgres://replica/itbot' })).toThrow(ConfigError);
    expect(() => resolveConfig({ DATABASE_URL: 'postgres://p/itbot', DATABASE_READ_URL: 'redis://r:6379' })).toThrow(
      /DATABASE_READ_URL must start with postgres/,
    );
  });

  it('is optional: reads go to the primary without it', () => {
    expect(resolveConfig({ DATABASE_URL: 'postgres://p/itbot' }).databaseReadUrl).toBeUndefined();
  });
});
