import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from '../../test/helpers/data-dir.js';
import { createHashedEmbedder } from '../knowledge/index.js';
import { bundledPaths } from '../paths.js';
import { openEmbeddedStore, type Store } from '../store/index.js';
import { readTicketSeeds } from './seed.js';
import { findSimilarTickets, suggestTriage } from './similar.js';
import { createTicket } from './ticket-commands.js';
import { embedTickets } from './ticket-embeddings.js';
import { evaluateTriage } from './triage-evaluation.js';

// The sample company's history: 360 tickets written to read like real ones, with ~15 groups of
// the same problem reported by different people.
const embedder = createHashedEmbedder();

describe('similar tickets and triage on the sample history', () => {
  let store: Store;
  let cleanup: () => void;
  let report: Awaited<ReturnType<typeof evaluateTriage>>;
  beforeAll(async () => {
    const data = makeSeededDataDir();
    cleanup = data.cleanup;
    store = await openEmbeddedStore({ dataDir: data.dir, lockWaitMs: 0, purpose: 'test' });
    // Loads four fifths of the history and scores the held-out fifth.
    report = await evaluateTriage(store, readTicketSeeds(bundledPaths.seed()), { embedder });
  });
  afterAll(async () => {
    await store?.close();
    cleanup?.();
  });

  it('suggests categories far better than guessing, and is more often right when confident', () => {
    expect(report.test).toBe(72);
    expect(report.embedded).toBe(report.train);
    expect(report.categoryAccuracy).toBeGreaterThan(report.majorityBaseline.category * 5);
    expect(report.categoryAccuracy).toBeGreaterThan(0.4);
    expect(report.confident.categoryAccuracy).toBeGreaterThan(report.categoryAccuracy);
  });

  it('finds past resolutions of the same problem, with how they were fixed', async () => {
    const { pastResolutions } = await findSimilarTickets(store, {
      text: 'VPN says the certificate expired and will not connect',
    });
    expect(pastResolutions.length).toBeGreaterThan(0);
    expect(pastResolutions[0]?.ticket.category).toBe('Network/VPN');
    expect(pastResolutions[0]?.ticket.resolutionNotes).toBeTruthy();
  });

  it('never changes the ticket it triages', async () => {
    const { likelyDuplicates } = await findSimilarTickets(store, { text: 'outlook password prompt' }, 1);
    const ticket = likelyDuplicates[0]?.ticket;
    expect(ticket).toBeDefined();
    await suggestTriage(store, { ticket: ticket?.number });
    const after = await findSimilarTickets(store, { text: 'outlook password prompt' }, 1);
    expect(after.likelyDuplicates[0]?.ticket.version).toBe(ticket?.version);
  });

  it("suggests priority from the report's own words better than always guessing the commonest", () => {
    expect(report.priorityAccuracy).toBe(report.priorityByMethod.words);
    expect(report.priorityAccuracy).toBeGreaterThan(report.majorityBaseline.priority);
  });

  it('finds a misspelt report through ticket embeddings, where full text alone finds nothing', async () => {
    const text = 'outlok kepps askng pasword';
    expect((await findSimilarTickets(store, { text })).pastResolutions).toEqual([]);
    const { pastResolutions } = await findSimilarTickets(store, { text }, 5, { embedder });
    // The hashed embedder matches character trigrams: close enough to rank the real problem high.
    expect(pastResolutions.slice(0, 3).map((r) => r.ticket.title)).toContain('Outlook keeps asking for password');
  });

  it('embeds tickets when created and again only when their text changes', async () => {
    const { ticket } = await createTicket(
      store,
      { title: 'Scanner on floor 3 jams', description: 'Paper jams every time', requester: 'test.user' },
      { name: 'test.user', kind: 'agent' },
    );
    expect(await embedTickets(store, embedder, [ticket.number])).toBe(1);
    expect(await embedTickets(store, embedder, [ticket.number])).toBe(0);
    await store.query("UPDATE tickets SET description = 'Now it shows error E42' WHERE number = $1", [ticket.number]);
    expect(await embedTickets(store, embedder, [ticket.number])).toBe(1);
    // Another embedder's vectors are never compared with this one's.
    expect(await embedTickets(store, { ...embedder, id: 'other@768' }, [ticket.number])).toBe(1);
  });
});
