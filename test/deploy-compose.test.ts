import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../src/paths.js';
import { deployTools } from './helpers/deploy-tools.js';

// A real Compose parser (Debian's docker-compose 1.29, which validates against the Compose schema
// without a Docker engine) reads both compose files: profiles, depends_on conditions, the required
// variables. Any syntax it rejects, Compose v2 would too.
const root = packageRoot();
const compose = deployTools.dockerCompose();
const required = {
  ITBOT_DB_PASSWORD: 'db-password',
  ITBOT_REPLICATION_PASSWORD: 'replication-password',
  ITBOT_SERVER_TOKENS: 'token-one,token-two',
  GRAFANA_ADMIN_PASSWORD: 'grafana-password',
};

function dockerCompose(args: string[], env: Record<string, string> = required) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !(key in required) && !key.startsWith('COMPOSE_')),
  );
  return spawnSync('docker-compose', args, { cwd: root, encoding: 'utf8', env: { ...clean, ...env } });
}

describe.skipIf(!compose.ok)('docker-compose config', () => {
  it('accepts docker-compose.yml with every profile', () => {
    const result = dockerCompose([
      '-f',
      'docker-compose.yml',
      '--profile',
      'monitoring',
      '--profile',
      'logging',
      'config',
      '-q',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('accepts docker-compose.dev.yml with no variable set', () => {
    const result = dockerCompose(['-f', 'docker-compose.dev.yml', 'config', '-q'], {});
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('keeps the profiles after resolving (monitoring, logging; the rest always runs)', () => {
    // docker-compose 1.29's `config --services` lists every service whatever the profile, so the
    // profiles are read from its resolved output.
    const resolved = parse(dockerCompose(['-f', 'docker-compose.yml', 'config']).stdout) as {
      services: Record<string, { profiles?: string[] }>;
    };
    const byProfile = (profile: string | undefined) =>
      Object.entries(resolved.services)
        .filter(([, service]) => service.profiles?.[0] === profile)
        .map(([name]) => name)
        .sort();
    expect(byProfile('monitoring')).toEqual(['grafana', 'prometheus']);
    expect(byProfile('logging')).toEqual(['alloy', 'loki']);
    expect(byProfile(undefined)).toEqual([
      'backup',
      'itbot',
      'migrate',
      'nginx',
      'pgbouncer',
      'pgbouncer-replica',
      'postgres',
      'postgres-replica',
      'redis',
    ]);
  });

  it('refuses to start without each required secret, naming it', () => {
    for (const name of Object.keys(required)) {
      const env = { ...required } as Record<string, string>;
      delete env[name];
      const result = dockerCompose(['-f', 'docker-compose.yml', 'config', '-q'], env);
      expect(result.status, name).not.toBe(0);
      expect(result.stderr).toContain(`set ${name}`);
    }
  });

  it('puts the secrets where they belong once resolved', () => {
    const result = dockerCompose(['-f', 'docker-compose.yml', 'config']);
    const resolved = parse(result.stdout) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const itbot = resolved.services.itbot?.environment ?? {};
    expect(itbot.DATABASE_URL).toBe('postgres://itbot:db-password@pgbouncer:6432/itbot');
    expect(itbot.DATABASE_READ_URL).toBe('postgres://itbot:db-password@pgbouncer-replica:6432/itbot');
    expect(itbot.ITBOT_SERVER_TOKENS).toBe('token-one,token-two');
    expect(resolved.services.migrate?.environment?.DATABASE_URL).toBe(
      'postgres://itbot:db-password@postgres:5432/itbot',
    );
  });
});
