import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../src/paths.js';

// No Docker engine runs here, so the compose file is checked statically: what it brings up must
// match what the README tells people to put in DATABASE_URL and REDIS_URL.
interface Service {
  image: string;
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
}

const root = packageRoot();
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('docker-compose.yml', () => {
  it('brings up PostgreSQL with pgvector and Redis, each with a health check', () => {
    expect(compose.services.postgres?.image).toBe('pgvector/pgvector:pg16');
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
    for (const service of Object.values(compose.services)) expect(service.healthcheck?.test.length).toBeGreaterThan(1);
  });

  it('publishes ports on loopback only and keeps the database in a named volume', () => {
    for (const service of Object.values(compose.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    const volume = compose.services.postgres?.volumes?.[0]?.split(':')[0] as string;
    expect(compose.volumes).toHaveProperty(volume);
  });

  it('matches the DATABASE_URL and REDIS_URL the README gives', () => {
    const env = compose.services.postgres?.environment ?? {};
    const password = /\$\{ITBOT_DB_PASSWORD:-(\w+)\}/.exec(env.POSTGRES_PASSWORD ?? '')?.[1];
    const databaseUrl = `postgres://${env.POSTGRES_USER}:${password}@127.0.0.1:5432/${env.POSTGRES_DB}`;
    expect(readme).toContain(databaseUrl);
    expect(readme).toContain('redis://127.0.0.1:6379');
  });
});
