import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeededDataDir } from '../../test/helpers/data-dir.js';
import { bundledPaths } from '../paths.js';
import { openEmbeddedStore, type Store } from '../store/index.js';
import { readTicketSeeds } from './seed.js';
import { findSimilarTickets, suggestTriage } from './similar.js';
import { evaluateTriage } from './triage-evaluation.js';

// The sample company's history: 360 tickets written to read like real ones, with ~15 groups of
// the same problem reported by different people.
describe('similar tickets and triage on the sample history', () => {
  let store: Store;
  let cleanup: () => void;
  let report: Awaited<ReturnType<typeof evaluateTriage>>;
  beforeAll(async () => {
    const data = makeSeededDataDir();
    cleanup = data.cleanup;
    store = await openEmbeddedStore({ dataDir: data.dir, lockWaitMs: 0, purpose: 'test' });
    // Loads four fifths of the history and scores the held-out fifth.
    report = await evaluateTriage(store, readTicketSeeds(bundledPaths.seed()));
  });
  afterAll(async () => {
    await store?.close();
    cleanup?.();
  });

  it('suggests categories far better than guessing, and is more often right when confident', () => {
    expect(report.test).toBe(72);
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
});
