import { UsageError } from '../errors.js';
import type { Category, Group, User } from '../tickets/index.js';
import { withItbotServer } from './server-calls.js';
import { formatTable } from './table.js';
import { requireGroup } from './tickets-lookup.js';

/** `itbot users`, `itbot groups`, `itbot categories`: who and where a ticket can go. */

function print(json: boolean | undefined, value: unknown, text: string): number {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  return 0;
}

export function usersCommand(options: { role?: string; group?: string; json?: boolean }): Promise<number> {
  if (options.role && options.role !== 'agent' && options.role !== 'requester')
    throw new UsageError(`Unknown role "${options.role}".`, 'Choose agent or requester.');
  return withItbotServer(async (server) => {
    const group = options.group ? await requireGroup(server, options.group) : undefined;
    const { users } = await server.call<{ users: User[] }>('list_users', { role: options.role, group });
    return print(
      options.json,
      { users },
      users.length === 0
        ? 'No users match.'
        : formatTable(
            ['USERNAME', 'NAME', 'ROLE', 'GROUPS', 'DEPARTMENT', 'LOCATION'],
            users.map((u) => [
              u.username,
              u.displayName,
              u.role,
              u.groups.join(', ') || '-',
              u.department ?? '-',
              u.location ?? '-',
            ]),
          ),
    );
  });
}

export function groupsCommand(options: { json?: boolean }): Promise<number> {
  return withItbotServer(async (server) => {
    const { groups } = await server.call<{ groups: Group[] }>('list_groups', {});
    return print(
      options.json,
      { groups },
      formatTable(
        ['GROUP', 'SIZE', 'AGENTS'],
        groups.map((g) => [g.name, String(g.members.length), g.members.join(', ') || '-']),
      ),
    );
  });
}

export function categoriesCommand(options: { json?: boolean }): Promise<number> {
  return withItbotServer(async (server) => {
    const { categories } = await server.call<{ categories: Category[] }>('list_categories', {});
    return print(
      options.json,
      { categories },
      formatTable(
        ['CATEGORY', 'ROUTES TO'],
        categories.map((c) => [c.path, c.defaultGroup ?? '-']),
      ),
    );
  });
}
