import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSeededDataDir, makeTempDir } from '../../test/helpers/data-dir.js';
import { EmbedderMismatchError } from '../errors.js';
import { openEmbeddedStore, type Store } from '../store/index.js';
import type { Embedder } from './embedder.js';
import { createHashedEmbedder } from './hashed-embedder.js';
import { reindexKnowledgeBase } from './reindex.js';
import { searchKnowledge } from './search.js';

let store: Store;
let source: string;
const cleanups: (() => void)[] = [];

function writeArticle(name: string, title: string, body: string): void {
  fs.mkdirSync(path.dirname(path.join(source, name)), { recursive: true });
  fs.writeFileSync(path.join(source, name), `---\ntitle: ${title}\ntags: [test]\n---\n# ${title}\n\n${body}\n`);
}

beforeEach(async () => {
  const data = makeSeededDataDir();
  const articles = makeTempDir('itbot-kb-');
  cleanups.push(data.cleanup, articles.cleanup);
  source = articles.dir;
  store = await openEmbeddedStore({ dataDir: data.dir, lockWaitMs: 0, purpose: 'test' });
  writeArticle(
    'vpn.md',
    'VPN will not connect',
    '## Steps\n\nReinstall the VPN client and check the gateway vpn.example.',
  );
  writeArticle('printing/toner.md', 'Replace toner', '## Steps\n\nOpen the front door and swap the toner cartridge.');
  writeArticle('wifi.md', 'Wi-Fi drops', '## Steps\n\nForget the network and rejoin the corporate wireless SSID.');
});

afterEach(async () => {
  await store.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const embedder = createHashedEmbedder();
const options = () => ({ sourceDir: source, sourceName: 'test', embedder });

async function documentPaths(): Promise<string[]> {
  const { rows } = await store.query<{ path: string }>(
    "SELECT path FROM kb_documents WHERE source = 'test' ORDER BY path",
  );
  return rows.map((row) => row.path);
}

describe('reindexKnowledgeBase', () => {
  it('indexes new documents, then skips unchanged ones by content hash', async () => {
    const first = await reindexKnowledgeBase(store, options());
    expect(first).toMatchObject({ documents: 3, added: 3, unchanged: 0, removed: 0 });
    expect(first.chunks).toBeGreaterThanOrEqual(3);
    expect(await documentPaths()).toEqual(['printing/toner.md', 'vpn.md', 'wifi.md']);

    const second = await reindexKnowledgeBase(store, options());
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 3, chunks: 0 });
  });

  it('replaces changed documents and removes deleted ones, leaving other sources alone', async () => {
    await reindexKnowledgeBase(store, options());
    const bundledBefore = await store.query("SELECT count(*)::int AS n FROM kb_documents WHERE source = 'bundled'");
    writeArticle('vpn.md', 'VPN will not connect', '## Steps\n\nUse the new GlobalConnect portal instead.');
    fs.rmSync(path.join(source, 'wifi.md'));

    const summary = await reindexKnowledgeBase(store, options());
    expect(summary).toMatchObject({ updated: 1, unchanged: 1, removed: 1 });
    expect(await documentPaths()).toEqual(['printing/toner.md', 'vpn.md']);
    const hits = await searchKnowledge(store, embedder, 'GlobalConnect portal', { sources: ['test'] });
    expect(hits[0]).toMatchObject({ path: 'vpn.md', keywordMatch: true });
    expect(hits.map((h) => h.content).join(' ')).not.toContain('Reinstall the VPN client');
    expect(await store.query("SELECT count(*)::int AS n FROM kb_documents WHERE source = 'bundled'")).toEqual(
      bundledBefore,
    );
  });

  it('keeps the previous index serving when a reindex crashes midway', async () => {
    await reindexKnowledgeBase(store, options());
    writeArticle('printing/toner.md', 'Replace toner', '## Steps\n\nNew toner procedure.');
    writeArticle('vpn.md', 'VPN will not connect', '## Steps\n\nNew VPN procedure.');
    let calls = 0;
    const crashing: Embedder = {
      ...embedder,
      embed: async (texts, task) => {
        if (++calls === 2) throw new Error('embedding service died');
        return embedder.embed(texts, task);
      },
    };
    await expect(reindexKnowledgeBase(store, { ...options(), embedder: crashing })).rejects.toThrow(
      'embedding service died',
    );
    // toner.md was replaced before the crash, vpn.md still has its old version: both searchable.
    expect(await documentPaths()).toEqual(['printing/toner.md', 'vpn.md', 'wifi.md']);
    const vpn = await searchKnowledge(store, embedder, 'reinstall the VPN client', { sources: ['test'] });
    expect(vpn[0]?.path).toBe('vpn.md');
    expect(vpn[0]?.content).toContain('Reinstall the VPN client');
    // The next run finishes the job.
    expect(await reindexKnowledgeBase(store, options())).toMatchObject({ updated: 1, unchanged: 2 });
  });

  it('re-embeds the whole index, every source, when the embedder changes, and never searches across embedders', async () => {
    await reindexKnowledgeBase(store, options());
    const other = { ...createHashedEmbedder(), id: 'other-embedder@768' };
    const chunksBefore = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunks');
    const summary = await reindexKnowledgeBase(store, { ...options(), embedder: other });
    expect(summary).toMatchObject({
      unchanged: 3,
      reembedded: chunksBefore.rows[0]?.n,
      replacedEmbedder: 'hashed-ngram-v1@768',
    });
    // The bundled articles were re-embedded too, from the text already in the index.
    const { rows } = await store.query<{ embedder: string }>('SELECT embedder FROM kb_index');
    expect(rows[0]?.embedder).toBe('other-embedder@768');
    await expect(searchKnowledge(store, embedder, 'vpn')).rejects.toBeInstanceOf(EmbedderMismatchError);
    expect((await searchKnowledge(store, other, 'reinstall the VPN client', { sources: ['test'] }))[0]?.path).toBe(
      'vpn.md',
    );
  });

  it('builds a changed embedder or dimension into a side index; a crash at any step leaves the old index serving', async () => {
    await reindexKnowledgeBase(store, options());
    const smaller = createHashedEmbedder(384);
    const oldAnswer = async () => {
      const { rows } = await store.query<{ embedder: string }>('SELECT embedder FROM kb_index');
      expect(rows[0]?.embedder).toBe('hashed-ngram-v1@768');
      const hits = await searchKnowledge(store, embedder, 'reinstall the VPN client', { sources: ['test'] });
      expect(hits[0]?.path).toBe('vpn.md');
    };
    for (const failAt of ['created', 'copied', 'loaded', 'indexed'] as const) {
      await expect(
        reindexKnowledgeBase(store, {
          ...options(),
          embedder: smaller,
          onBuildStep: (step) => {
            if (step === failAt) throw new Error(`crashed after ${step}`);
          },
        }),
      ).rejects.toThrow(`crashed after ${failAt}`);
      await oldAnswer();
    }
    let calls = 0;
    const dying: Embedder = {
      ...smaller,
      embed: async (texts, task) => {
        if (++calls === 3) throw new Error('embedding service died');
        return smaller.embed(texts, task);
      },
    };
    await expect(reindexKnowledgeBase(store, { ...options(), embedder: dying })).rejects.toThrow(
      'embedding service died',
    );
    await oldAnswer();

    const steps: string[] = [];
    const summary = await reindexKnowledgeBase(store, {
      ...options(),
      embedder: smaller,
      onBuildStep: (step) => {
        steps.push(step);
      },
    });
    expect(steps).toEqual(['created', 'copied', 'loaded', 'indexed', 'swapped']);
    expect(summary).toMatchObject({ sideBuild: true, replacedEmbedder: 'hashed-ngram-v1@768', unchanged: 3 });
    const { rows } = await store.query<{ type: string }>(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = 'kb_chunks'::regclass AND attname = 'embedding'`,
    );
    expect(rows[0]?.type).toBe('vector(384)');
    const hits = await searchKnowledge(store, smaller, 'reinstall the VPN client', { sources: ['test'] });
    expect(hits[0]?.path).toBe('vpn.md');
    expect((await searchKnowledge(store, smaller, 'outlook keeps asking for my password'))[0]?.path).toBe(
      'kb/email/outlook-keeps-asking-for-password.md',
    );
    // No side tables are left behind, and the next run has nothing to do.
    const { rows: leftovers } = await store.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'kb_%_next'");
    expect(leftovers).toEqual([]);
    expect(await reindexKnowledgeBase(store, { ...options(), embedder: smaller })).toMatchObject({
      sideBuild: false,
      unchanged: 3,
      chunks: 0,
    });
  });

  it('an ordinary reindex clears the side tables of a build that died before its swap', async () => {
    await reindexKnowledgeBase(store, options());
    await expect(
      reindexKnowledgeBase(store, {
        ...options(),
        rebuild: true,
        onBuildStep: (step) => {
          if (step === 'loaded') throw new Error('killed after loaded');
        },
      }),
    ).rejects.toThrow('killed after loaded');
    const sideTables = async () =>
      (
        await store.query<{ name: string }>(
          "SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'kb\\_%\\_next'",
        )
      ).rows;
    expect((await sideTables()).length).toBe(4);
    expect(await reindexKnowledgeBase(store, options())).toMatchObject({ sideBuild: false, unchanged: 3 });
    expect(await sideTables()).toEqual([]);
  });

  it('runs two reindexes of one store one after the other: an update waits for the rebuild under way', async () => {
    await reindexKnowledgeBase(store, options());
    const order: string[] = [];
    let update: Promise<{ updated: number }> | undefined;
    const rebuild = reindexKnowledgeBase(store, {
      ...options(),
      rebuild: true,
      onBuildStep: (step) => {
        order.push(`rebuild ${step}`);
        if (step !== 'created') return;
        // An article changes, and its reindex starts, while the rebuild is loading the old text.
        writeArticle('wifi.md', 'Wi-Fi drops', '## Steps\n\nForget the network, then rejoin the guest SSID.');
        update = reindexKnowledgeBase(store, options()).then((summary) => {
          order.push('update done');
          return summary;
        });
      },
    });
    await rebuild;
    // Run beside the rebuild, the update would have written the live tables the swap then dropped.
    expect((await update)?.updated).toBe(1);
    expect(order.at(-1)).toBe('update done');
    expect(order.indexOf('rebuild swapped')).toBe(order.length - 2);
    const hits = await searchKnowledge(store, embedder, 'rejoin the guest SSID', { sources: ['test'] });
    expect(hits[0]?.path).toBe('wifi.md');
  });

  it('keeps document frequencies and BM25 postings in step with the documents through updates and deletions', async () => {
    await reindexKnowledgeBase(store, options());
    // Each document's postings hold exactly its lexemes, its field lengths add up to its
    // frequencies, and no posting outlives its document.
    const postingsOutOfStep = async () =>
      (
        await store.query(
          `SELECT d.path FROM kb_documents d
           WHERE d.title_length + d.summary_length + d.heading_length + d.body_length
                   <> (SELECT coalesce(sum(title_tf + summary_tf + heading_tf + body_tf), 0) FROM kb_postings p WHERE p.document_id = d.id)
              OR (SELECT array_agg(lexeme ORDER BY lexeme) FROM kb_postings p WHERE p.document_id = d.id)
                   IS DISTINCT FROM (SELECT array_agg(l ORDER BY l) FROM unnest(tsvector_to_array(d.search)) l)
           UNION ALL
           SELECT 'orphan' FROM kb_postings WHERE document_id NOT IN (SELECT id FROM kb_documents)`,
        )
      ).rows;
    expect(await postingsOutOfStep()).toEqual([]);
    const frequencies = async () =>
      (
        await store.query<{ lexeme: string; documents: number }>(
          `SELECT lexeme, documents FROM kb_lexemes WHERE documents > 0 ORDER BY lexeme`,
        )
      ).rows;
    const recount = async () =>
      (
        await store.query<{ lexeme: string; documents: number }>(
          `SELECT lexeme, count(*)::int AS documents FROM kb_documents, unnest(tsvector_to_array(search)) AS lexeme
           GROUP BY lexeme ORDER BY lexeme`,
        )
      ).rows;
    expect(await frequencies()).toEqual(await recount());
    writeArticle('vpn.md', 'VPN will not connect', '## Steps\n\nUse the GlobalConnect portal.');
    fs.rmSync(path.join(source, 'wifi.md'));
    await reindexKnowledgeBase(store, options());
    expect(await frequencies()).toEqual(await recount());
    expect(await postingsOutOfStep()).toEqual([]);
    const { rows: globalConnect } = await store.query(
      "SELECT d.path, p.body_tf FROM kb_postings p JOIN kb_documents d ON d.id = p.document_id WHERE p.lexeme = 'globalconnect'",
    );
    expect(globalConnect).toEqual([{ path: 'vpn.md', body_tf: 1 }]);
    expect((await frequencies()).find((row) => row.lexeme === 'globalconnect')).toEqual({
      lexeme: 'globalconnect',
      documents: 1,
    });
  });

  it('--rebuild rebuilds its own source in one go and leaves the other sources indexed', async () => {
    const count = async (source?: string) =>
      (
        await store.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM kb_documents${source ? ' WHERE source = $1' : ''}`,
          source ? [source] : [],
        )
      ).rows[0]?.n;
    const bundled = (await count()) ?? 0;
    expect(bundled).toBeGreaterThan(0);
    await reindexKnowledgeBase(store, options());
    fs.rmSync(path.join(source, 'wifi.md'));
    const rebuilt = await reindexKnowledgeBase(store, { ...options(), rebuild: true });
    expect(rebuilt).toMatchObject({ added: 2, removed: 1, sideBuild: true });
    expect(await count('test')).toBe(2);
    expect(await count()).toBe(bundled + 2);
    // The bundled articles are still found.
    const hits = await searchKnowledge(store, embedder, 'outlook keeps asking for my password', { limit: 3 });
    expect(hits[0]?.path).toBe('kb/email/outlook-keeps-asking-for-password.md');
  });

  it('says clearly when the source is not a directory', async () => {
    await expect(
      reindexKnowledgeBase(store, { ...options(), sourceDir: path.join(source, 'missing') }),
    ).rejects.toThrow(/is not a directory/);
  });
});

describe('searchKnowledge', () => {
  it('finds the article that answers a question, one result per document, best first', async () => {
    const hits = await searchKnowledge(store, embedder, 'outlook keeps asking for my password', { limit: 5 });
    expect(hits[0]?.path).toBe('kb/email/outlook-keeps-asking-for-password.md');
    expect(new Set(hits.map((h) => h.path)).size).toBe(hits.length);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    expect(hits[0]?.heading.startsWith('Outlook keeps asking for my password')).toBe(true);
  });

  it('still finds the article about the words when more articles than it ranks mention them', async () => {
    // 450 articles mention the printer in passing; search ranks at most 400 candidates, taken
    // first from articles whose title, summary or headings carry the query's rarest words.
    for (let i = 0; i < 450; i++) {
      writeArticle(
        `note-${String(i).padStart(3, '0')}.md`,
        `Office note ${i}`,
        'The printer on floor two was serviced.',
      );
    }
    writeArticle('zz-driver.md', 'Printer driver rollback', '## Steps\n\nRoll back the driver from Device Manager.');
    const summary = await reindexKnowledgeBase(store, options());
    expect(summary).toMatchObject({ added: 454 });
    const hits = await searchKnowledge(store, embedder, 'printer driver', { sources: ['test'] });
    expect(hits[0]?.path).toBe('zz-driver.md');
  });

  it('returns nothing, rather than failing, for an empty index', async () => {
    await store.query('DELETE FROM kb_index');
    expect(await searchKnowledge(store, embedder, 'vpn')).toEqual([]);
  });

  it('treats query text as data: SQL and tsquery syntax are harmless', async () => {
    const hits = await searchKnowledge(store, embedder, "'); DROP TABLE kb_chunks; -- & | ! <-> :*");
    expect(Array.isArray(hits)).toBe(true);
    expect((await store.query('SELECT count(*)::int AS n FROM kb_chunks')).rows[0]).toMatchObject({
      n: expect.any(Number),
    });
  });
});
