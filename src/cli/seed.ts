import { withItbotServer } from './server-calls.js';

interface SeedResult {
  groups: number;
  users: number;
  categories: number;
  ticketsAdded: number;
}

/**
 * `itbot seed`: the sample company (users, groups, categories), and with --tickets its 360
 * historical tickets. Safe to repeat: nothing is added twice. Runs in the ticket server.
 */
export async function seedCommand(options: { tickets?: boolean; json?: boolean }): Promise<number> {
  return withItbotServer(async (server) => {
    const seeded = await server.call<SeedResult>(
      'seed_sample_company',
      { tickets: options.tickets === true },
      {
        timeoutMs: 120_000,
        onProgress: () => {},
      },
    );
    if (options.json) {
      process.stdout.write(`${JSON.stringify(seeded)}\n`);
    } else {
      process.stdout.write(`Seeded ${seeded.groups} groups, ${seeded.users} users and ${seeded.categories} categories`);
      process.stdout.write(options.tickets ? `, and ${seeded.ticketsAdded} historical tickets.\n` : '.\n');
    }
    return 0;
  });
}
