import { openReadyStore, withEmbedder } from '../bootstrap.js';
import { resolveConfig } from '../config/index.js';
import { bundledPaths } from '../paths.js';
import { embedTickets, readCompanySeed, readTicketSeeds, seedCompany, seedTickets } from '../tickets/index.js';

/**
 * `itbot seed`: the sample company (users, groups, categories), and with --tickets its 360
 * historical tickets. Safe to repeat: nothing is added twice.
 */
export async function seedCommand(options: { tickets?: boolean; json?: boolean }): Promise<number> {
  const config = resolveConfig();
  const store = await openReadyStore(config, {
    purpose: 'itbot seed',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    const company = await seedCompany(store, readCompanySeed(bundledPaths.seed()));
    const tickets = options.tickets ? await seedTickets(store, readTicketSeeds(bundledPaths.seed())) : undefined;
    // Similar tickets and triage use embeddings of the history beside its full text.
    if (tickets) await withEmbedder(config, (embedder) => embedTickets(store, embedder));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...company, ticketsAdded: tickets?.added ?? 0 })}\n`);
    } else {
      process.stdout.write(
        `Seeded ${company.groups} groups, ${company.users} users and ${company.categories} categories`,
      );
      process.stdout.write(tickets ? `, and ${tickets.added} historical tickets.\n` : '.\n');
    }
    return 0;
  } finally {
    await store.close();
  }
}
