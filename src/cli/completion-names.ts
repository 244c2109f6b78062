import fs from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '../config/index.js';
import type { Category, Group, Ticket, User } from '../tickets/index.js';
import { withItbotServer } from './server-calls.js';

/**
 * The names shell completion offers (ticket numbers, people, groups, categories), read from the
 * ticket server within a time budget and kept briefly in the data dir, so a Tab press is answered
 * at once from the last look while a slow or absent server never holds the shell.
 */

export const NAME_KINDS = ['tickets', 'users', 'agents', 'groups', 'categories'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/** A value and what it is (a ticket's title, a person's name), for shells that show both. */
export interface Candidate {
  value: string;
  description?: string;
}

type Names = Record<NameKind, Candidate[]>;
interface CacheFile {
  at: number;
  names: Names;
}

/** A cached look younger than this is used without asking the server. */
const FRESH_MS = 30_000;
const CACHE_FILE = 'completion-cache.json';

async function readFromServer(): Promise<Names> {
  return withItbotServer(async (server) => {
    const [tickets, users, groups, categories] = await Promise.all([
      server.call<{ tickets: Ticket[] }>('search_tickets', { limit: 100 }),
      server.call<{ users: User[] }>('list_users', {}),
      server.call<{ groups: Group[] }>('list_groups', {}),
      server.call<{ categories: Category[] }>('list_categories', {}),
    ]);
    return {
      tickets: tickets.tickets.map((t) => ({ value: t.number, description: `${t.status} · ${t.title}`.slice(0, 80) })),
      users: users.users.map((u) => ({ value: u.username, description: u.displayName })),
      agents: users.users
        .filter((u) => u.role === 'agent')
        .map((u) => ({ value: u.username, description: u.displayName })),
      groups: groups.groups.map((g) => ({ value: g.name })),
      categories: categories.categories.map((c) => ({ value: c.path, description: c.defaultGroup ?? undefined })),
    };
  });
}

function readCache(file: string): CacheFile | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    return typeof parsed.at === 'number' && parsed.names ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, names: Names): void {
  try {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ at: Date.now(), names }), { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {
    // A data dir that cannot be written only costs the next Tab press a server call.
  }
}

/**
 * Names of one kind starting with `prefix` (ticket numbers also by their digits: "12" finds
 * IT-000012). Resolves within budgetMs: from a fresh cache, the server, or else a stale cache.
 */
export async function namesFor(kind: NameKind, prefix: string, budgetMs: number): Promise<Candidate[]> {
  let file: string | undefined;
  try {
    file = path.join(resolveConfig().dataDir, CACHE_FILE);
  } catch {
    return [];
  }
  const cached = readCache(file);
  let names = cached && Date.now() - cached.at < FRESH_MS ? cached.names : undefined;
  if (!names) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), budgetMs);
    });
    const fresh = readFromServer().then(
      (read) => {
        if (file) writeCache(file, read);
        return read;
      },
      () => undefined,
    );
    names = (await Promise.race([fresh, timeout])) ?? cached?.names;
    clearTimeout(timer);
  }
  return matching(kind, names?.[kind] ?? [], prefix);
}

export function matching(kind: NameKind, candidates: Candidate[], prefix: string): Candidate[] {
  const want = prefix.toLowerCase();
  const digits = /^#?0*(\d+)$/.exec(prefix)?.[1];
  return candidates.filter((c) => {
    const value = c.value.toLowerCase();
    if (value.startsWith(want)) return true;
    // "12" and "#12" complete to IT-000012 (and IT-000120…): the number as people say it.
    return kind === 'tickets' && digits !== undefined && value.replace(/^[a-z]+-0*/, '').startsWith(digits);
  });
}
