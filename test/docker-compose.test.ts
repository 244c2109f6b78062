import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../src/paths.js';

// No Docker engine runs here, so the compose files are checked statically (and parsed by a real
// Compose parser in deploy-compose.test.ts): what they bring up must be safe to run and match what
// the README tells people to put in DATABASE_URL and REDIS_URL.
interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
  restart?: string;
  profiles?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, { name?: string } | null>;
}

const root = packageRoot();
const load = (file: string) => parse(fs.readFileSync(path.join(root, file), 'utf8')) as ComposeFile;
const dev = load('docker-compose.dev.yml');
const prod = load('docker-compose.yml');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** Services that run to completion (the rest must stay up and say whether they are healthy). */
const oneShots = (compose: ComposeFile) =>
  Object.entries(compose.services)
    .filter(([, service]) => service.restart === 'no')
    .map(([name]) => name);

describe('docker-compose.dev.yml (development: PostgreSQL and Redis)', () => {
  it('brings up PostgreSQL with pgvector and Redis, each with a health check', () => {
    expect(Object.keys(dev.services).sort()).toEqual(['postgres', 'redis']);
    expect(dev.services.postgres?.image).toBe('pgvector/pgvector:pg16');
    expect(dev.services.redis?.image).toMatch(/^redis:7/);
    for (const service of Object.values(dev.services)) expect(service.healthcheck?.test.length).toBeGreaterThan(1);
  });

  it('publishes ports on loopback only and keeps the database in a named volume', () => {
    for (const service of Object.values(dev.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    const volume = dev.services.postgres?.volumes?.[0]?.split(':')[0] as string;
    expect(dev.volumes).toHaveProperty(volume);
  });

  it('matches the DATABASE_URL and REDIS_URL the README gives', () => {
    const env = dev.services.postgres?.environment ?? {};
    const password = /\$\{ITBOT_DB_PASSWORD:-(\w+)\}/.exec(env.POSTGRES_PASSWORD ?? '')?.[1];
    const databaseUrl = `postgres://${env.POSTGRES_USER}:${password}@127.0.0.1:5432/${env.POSTGRES_DB}`;
    expect(readme).toContain(databaseUrl);
    expect(readme).toContain('redis://127.0.0.1:6379');
  });
});

describe('docker-compose.yml (production on one host)', () => {
  const services = prod.services;
  const service = (name: string): Service => {
    const found = services[name];
    if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
    return found;
  };

  it('runs the whole topology', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'alloy',
        'backup',
        'grafana',
        'itbot',
        'loki',
        'migrate',
        'nginx',
        'pgbouncer',
        'pgbouncer-replica',
        'postgres',
        'postgres-replica',
        'prometheus',
        'redis',
      ].sort(),
    );
    expect(service('postgres').image).toBe('pgvector/pgvector:pg16');
    expect(service('postgres-replica').image).toBe('pgvector/pgvector:pg16');
    expect(service('backup').image).toBe('pgvector/pgvector:pg16');
    expect(service('redis').image).toMatch(/^redis:7/);
    expect(service('redis').command).toEqual(expect.arrayContaining(['--maxmemory', '--maxmemory-policy']));
    expect(service('itbot').deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(service('itbot').command).toEqual(expect.arrayContaining(['itbot', 'serve', '--listen']));
  });

  it('runs pgbouncer 1.25.2 or later in front of the primary and the replica', () => {
    for (const [name, host] of [
      ['pgbouncer', 'postgres'],
      ['pgbouncer-replica', 'postgres-replica'],
    ] as const) {
      const version = /pgbouncer:v?(\d+)\.(\d+)\.(\d+)/.exec(service(name).image ?? '');
      expect(version, `${name} image ${service(name).image}`).not.toBeNull();
      const [major, minor, patch] = (version ?? []).slice(1).map(Number) as [number, number, number];
      expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(1_025_002);
      expect(service(name).environment?.PGBOUNCER_DB_HOST).toBe(host);
    }
    const ini = fs.readFileSync(path.join(root, 'deploy/pgbouncer/pgbouncer.ini'), 'utf8');
    expect(ini).toMatch(/^pool_mode = transaction$/m);
  });

  it('has a health check on every long-running service; migrate is the only one-shot', () => {
    expect(oneShots(prod)).toEqual(['migrate']);
    for (const [name, s] of Object.entries(services)) {
      if (s.restart === 'no') continue;
      expect(s.healthcheck?.test.length, `${name} has no health check`).toBeGreaterThan(1);
      expect(s.restart, name).toBe('unless-stopped');
    }
  });

  it('publishes nothing beyond loopback except nginx', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'nginx') continue;
      for (const port of s.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Compose variable, not a template
    expect(service('nginx').ports).toEqual(['${ITBOT_HTTP_PORT:-8080}:8080']);
    expect(service('itbot').ports).toBeUndefined();
  });

  it('migrates straight on PostgreSQL, and the replicas wait for it', () => {
    expect(service('migrate').environment?.DATABASE_URL).toMatch(/@postgres:5432\/itbot$/);
    expect(service('migrate').command).toEqual(['sh', '-c', 'itbot migrate && itbot reindex']);
    expect(service('itbot').depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    expect(service('nginx').depends_on?.itbot).toEqual({ condition: 'service_healthy' });
  });

  it('sends itbot through pgbouncer: writes to the primary, lag-tolerant reads to the replica', () => {
    const env = service('itbot').environment ?? {};
    expect(env.DATABASE_URL).toMatch(/@pgbouncer:6432\/itbot$/);
    expect(env.DATABASE_READ_URL).toMatch(/@pgbouncer-replica:6432\/itbot$/);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.ITBOT_SERVER_TOKENS).toMatch(/^\$\{ITBOT_SERVER_TOKENS:\?.+\}$/);
  });

  it('takes every secret from the environment, required, never a literal or a default', () => {
    const secretKey = /PASSWORD|TOKEN|SECRET|_KEY$/;
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (secretKey.test(key)) {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Compose variable, not a template
          const optional = key === 'GEMINI_API_KEY' && value === '${GEMINI_API_KEY:-}';
          if (!optional) expect(value, `${name}.${key}`).toMatch(/^\$\{[A-Z_]+:\?[^}]+\}$/);
        }
        // A password inside a URL is interpolated too.
        if (/:\/\/[^@\s]+@/.test(value)) expect(value, `${name}.${key}`).toMatch(/:\/\/\w+:\$\{[A-Z_]+:\?[^}]+\}@/);
      }
    }
    const text = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/:-itbot\}/);
  });

  it('runs the itbot image read-only, with a memory limit, writing only to tmpfs', () => {
    for (const name of ['itbot', 'migrate']) {
      expect(service(name).read_only, name).toBe(true);
      expect(service(name).tmpfs, name).toEqual(expect.arrayContaining(['/data', '/tmp']));
    }
    expect(service('itbot').deploy?.resources?.limits?.memory).toBe('512M');
  });

  it('backs up with pg_dump on a schedule, keeping a bounded number of days', () => {
    const env = service('backup').environment ?? {};
    expect(env.PGHOST).toBe('postgres');
    expect(env.BACKUP_RETENTION_DAYS).toMatch(/\d/);
    const script = fs.readFileSync(path.join(root, 'deploy/backup/backup-loop.sh'), 'utf8');
    expect(script).toContain('pg_dump --format=custom');
    expect(script).toMatch(/-mtime "\+\$retention_days".*-delete/);
  });

  it('puts monitoring and log shipping behind profiles, with their config files', () => {
    for (const name of ['prometheus', 'grafana']) expect(service(name).profiles).toEqual(['monitoring']);
    for (const name of ['loki', 'alloy']) expect(service(name).profiles).toEqual(['logging']);
    for (const s of Object.values(services)) {
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('./')) expect(fs.existsSync(path.join(root, source)), source).toBe(true);
      }
    }
  });

  it('keeps the data in named volumes with fixed names', () => {
    for (const [name, volume] of [
      ['postgres', 'postgres-data'],
      ['postgres-replica', 'postgres-replica-data'],
    ] as const) {
      expect(service(name).volumes?.[0]).toBe(`${volume}:/var/lib/postgresql/data`);
      expect(prod.volumes[volume]?.name).toMatch(/^itbot-/);
    }
  });
});
