import { openReadyStore } from '../bootstrap.js';
import { type ItbotConfig, redactUrl, resolveConfig } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { storeHasVectors } from '../knowledge/index.js';
import { connectItbotServer, serverMode } from '../mcp/connect.js';
import { connectTicketServer } from '../mcp/index.js';
import { probeLocalServer } from '../mcp/local-server.js';
import { KNOWLEDGE_STATUS_URI, type KnowledgeBaseStatus } from '../mcp/resources.js';
import { dataDirProblem, type Store } from '../store/index.js';
import { ITBOT_VERSION } from '../version.js';

interface Check {
  name: string;
  ok: boolean;
  /** Works, but not as well as it could: shown with "!" and does not fail the doctor. */
  warning?: boolean;
  detail: string;
  fix?: string;
}

async function storeChecks(config: ItbotConfig): Promise<Check[]> {
  let store: Store;
  try {
    store = await openReadyStore(config, { purpose: 'itbot doctor', log: () => {} });
  } catch (error) {
    const hint = error instanceof Error && 'hint' in error ? String((error as { hint?: string }).hint ?? '') : '';
    return [{ name: 'store', ok: false, detail: errorMessage(error), fix: hint || undefined }];
  }
  try {
    const checks: Check[] = [{ name: 'store', ok: true, detail: `${store.kind}: ${store.location}` }];
    const replica = await store.replicaStatus?.();
    if (replica) {
      checks.push(
        replica.state === 'up'
          ? {
              name: 'read replica',
              ok: true,
              detail: `${replica.location} answers${replica.secondsSinceReplay == null ? ' (not in recovery: is it a replica?)' : `; last replayed ${replica.secondsSinceReplay.toFixed(1)} s ago`}; knowledge search reads from it`,
            }
          : {
              name: 'read replica',
              ok: true,
              warning: true,
              detail: `${replica.location} is down (${replica.reason ?? 'no answer'}); knowledge search falls back to the primary`,
              fix: 'Start the replica or fix DATABASE_READ_URL.',
            },
      );
    }
    checks.push(
      (await storeHasVectors(store))
        ? {
            name: 'vector search',
            ok: true,
            detail: 'pgvector is installed: knowledge search is hybrid (vectors + full text)',
          }
        : {
            name: 'vector search',
            ok: true,
            warning: true,
            detail: 'pgvector is not installed on this PostgreSQL server, so knowledge search uses full text only',
            fix: 'Use a server with the vector extension (e.g. the pgvector/pgvector image in docker-compose.yml) for better answers.',
          },
    );
    const { rows: people } = await store.query<{ users: string; categories: string }>(
      'SELECT (SELECT count(*) FROM users)::text AS users, (SELECT count(*) FROM categories)::text AS categories',
    );
    checks.push(
      Number(people[0]?.users) > 0
        ? { name: 'directory', ok: true, detail: `${people[0]?.users} users, ${people[0]?.categories} categories` }
        : {
            name: 'directory',
            ok: true,
            warning: true,
            detail: 'no users or categories yet',
            fix: 'Run `itbot seed` for the sample company.',
          },
    );
    const { rows: index } = await store.query<{ embedder: string; version: string; documents: string; chunks: string }>(
      `SELECT i.embedder, i.version::text,
              (SELECT count(*) FROM kb_documents)::text AS documents, (SELECT count(*) FROM kb_chunks)::text AS chunks
       FROM kb_index i`,
    );
    const row = index[0];
    checks.push(
      row && Number(row.documents) > 0
        ? {
            name: 'knowledge index',
            ok: true,
            detail: `${row.documents} documents, ${row.chunks} chunks, built with ${row.embedder} (version ${row.version})`,
          }
        : { name: 'knowledge index', ok: false, detail: 'empty', fix: 'Run `itbot reindex`.' },
    );
    return checks;
  } finally {
    await store.close();
  }
}

/**
 * The server starts and lists its tools without its store, so listing alone proves little: it
 * must also read the knowledge status (which needs the store). With the store already known to be
 * unusable (locked, unreachable) that is not tried again, and the server is not called fine.
 */
async function mcpCheck(storeFailure: Check | undefined): Promise<Check> {
  try {
    const connection = await connectTicketServer({ stderr: 'ignore', restart: false });
    try {
      const tools = await connection.listTools();
      if (storeFailure) {
        return {
          name: 'MCP server',
          ok: false,
          detail: `starts (${tools.length} tools) but cannot serve them: its store is unusable (${storeFailure.detail})`,
          fix: storeFailure.fix,
        };
      }
      await connection.readJsonResource(KNOWLEDGE_STATUS_URI);
      return { name: 'MCP server', ok: true, detail: `${tools.length} tools: ${tools.map((t) => t.name).join(', ')}` };
    } finally {
      await connection.close();
    }
  } catch (error) {
    return {
      name: 'MCP server',
      ok: false,
      detail: errorMessage(error),
      fix: /Could not start/.test(errorMessage(error)) ? 'Run `npm run build` in the itbot checkout.' : undefined,
    };
  }
}

async function fetchJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

/**
 * A shared server (a team's, or this data dir's background server) owns the store, so the store is
 * checked through it: reachable, same version, ready, the token accepted, the knowledge index.
 */
async function sharedServerChecks(config: ItbotConfig, base: string, label: string): Promise<Check[]> {
  const checks: Check[] = [];
  try {
    const health = await fetchJson(new URL('/healthz', base).toString());
    const version = String(health.body.version ?? '?');
    checks.push({
      name: label,
      ok: health.status === 200,
      warning: version !== ITBOT_VERSION,
      detail: `${base} answers (itbot ${version}, pid ${String(health.body.pid ?? '?')})`,
      fix: version === ITBOT_VERSION ? undefined : `This itbot is ${ITBOT_VERSION}; upgrade one side so both match.`,
    });
    const ready = await fetchJson(new URL('/readyz', base).toString());
    checks.push(
      ready.status === 200
        ? { name: 'store', ok: true, detail: 'ready (reachable and migrated), served by the server' }
        : { name: 'store', ok: false, detail: `not ready: ${String(ready.body.reason ?? ready.body.status)}` },
    );
    const replica = ready.body.replica as { state?: string; location?: string; reason?: string } | undefined;
    if (replica) {
      checks.push({
        name: 'read replica',
        ok: true,
        warning: replica.state !== 'up',
        detail:
          replica.state === 'up'
            ? `${replica.location ?? '?'} answers; the server's knowledge search reads from it`
            : `${replica.location ?? '?'} is down (${replica.reason ?? 'no answer'}); knowledge search falls back to the primary`,
      });
    }
  } catch (error) {
    return [
      {
        name: label,
        ok: false,
        detail: `cannot reach ${base}: ${errorMessage((error as { cause?: unknown }).cause ?? error)}`,
        fix: 'Check that the server runs and the URL is right.',
      },
    ];
  }
  try {
    const connection = await connectItbotServer(config, { actorKind: 'ai', restart: false });
    try {
      const tools = await connection.listTools();
      const status = await connection.readJsonResource<KnowledgeBaseStatus>(KNOWLEDGE_STATUS_URI);
      checks.push({ name: 'MCP server', ok: true, detail: `${tools.length} tools; token accepted` });
      checks.push(
        status.documents > 0
          ? {
              name: 'knowledge index',
              ok: true,
              detail: `${status.documents} documents, ${status.chunks} chunks, built with ${status.embedder} (version ${status.version})`,
            }
          : { name: 'knowledge index', ok: false, detail: 'empty', fix: 'Run `itbot reindex`.' },
      );
    } finally {
      await connection.close();
    }
  } catch (error) {
    const hint = (error as { hint?: string }).hint;
    checks.push({ name: 'MCP server', ok: false, detail: errorMessage(error), fix: hint });
  }
  return checks;
}

/** Checks every part itbot depends on, in the order a broken install would fail. */
export async function doctorCommand(options: { json?: boolean }): Promise<number> {
  const checks: Check[] = [];
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const nodeOk = major > 20 || (major === 20 && minor >= 19);
  checks.push({
    name: 'node',
    ok: nodeOk,
    detail: process.versions.node,
    fix: nodeOk ? undefined : 'Install Node.js 20.19 or newer.',
  });
  let config: ItbotConfig | undefined;
  try {
    config = resolveConfig();
    const dataDirFault = config.databaseUrl ? undefined : dataDirProblem(config.dataDir);
    checks.push(
      dataDirFault
        ? { name: 'config', ok: false, detail: dataDirFault, fix: 'Set ITBOT_DATA_DIR to a writable directory.' }
        : {
            name: 'config',
            ok: true,
            detail: config.databaseUrl
              ? `DATABASE_URL set${config.databaseReadUrl ? `; reads that tolerate lag: DATABASE_READ_URL ${redactUrl(config.databaseReadUrl)}` : ''}`
              : `embedded store in ${config.dataDir}`,
          },
    );
    checks.push({
      name: 'model',
      ok: true,
      detail: config.geminiApiKey
        ? `Gemini (${config.model}); embeddings: ${config.embedder === 'gemini' ? config.embedModel : 'local hashed'}`
        : `offline (no Gemini key); embeddings: ${config.embedder === 'gemini' ? config.embedModel : 'local hashed'}`,
    });
  } catch (error) {
    checks.push({ name: 'config', ok: false, detail: errorMessage(error) });
  }
  const mode = config ? serverMode(config) : 'child';
  const running = config && mode === 'local' ? await probeLocalServer(config.dataDir) : undefined;
  if (config && mode === 'remote' && config.serverUrl) {
    checks.push(...(await sharedServerChecks(config, config.serverUrl, 'server (ITBOT_SERVER_URL)')));
  } else if (config && running?.healthy) {
    checks.push(...(await sharedServerChecks(config, running.record.url, 'background server')));
  } else if (config) {
    if (mode === 'local') {
      checks.push({ name: 'background server', ok: true, detail: 'not running (the next command starts one)' });
    }
    // The store check must finish (and release the embedded store) before the MCP server opens it.
    const store = await storeChecks(config);
    checks.push(...store);
    checks.push(await mcpCheck(store.find((check) => check.name === 'store' && !check.ok)));
  }
  const healthy = checks.every((check) => check.ok);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ healthy, checks })}\n`);
  } else {
    for (const check of checks) {
      process.stdout.write(`${check.ok ? (check.warning ? '!' : '✓') : '✗'} ${check.name}: ${check.detail}\n`);
      if (check.fix) process.stdout.write(`    fix: ${check.fix}\n`);
    }
  }
  return healthy ? 0 : 4;
}
