import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Store } from '../src/store/index.js';
import { listCategories, listGroups, listUsers } from '../src/tickets/index.js';
import { READ_ONLY } from './ticket-schemas.js';
import { guarded, ok } from './tool-result.js';

/** Who and what tickets can refer to: users, groups, categories. */
export function registerDirectoryTools(server: McpServer, store: () => Promise<Store>): void {
  server.registerTool(
    'list_users',
    {
      title: 'List users',
      description: 'People known to the helpdesk: agents (who can be assigned tickets) and requesters.',
      inputSchema: {
        role: z.enum(['agent', 'requester']).optional().describe('Only agents or only requesters'),
        group: z.string().max(100).optional().describe('Only members of this group'),
      },
      outputSchema: {
        users: z.array(
          z.object({
            username: z.string(),
            displayName: z.string(),
            email: z.string().nullable(),
            role: z.enum(['agent', 'requester']),
            department: z.string().nullable(),
            location: z.string().nullable(),
            groups: z.array(z.string()),
          }),
        ),
      },
      annotations: READ_ONLY,
    },
    (filter) => guarded(async () => ok({ users: await listUsers(await store(), filter) })),
  );

  server.registerTool(
    'list_groups',
    {
      title: 'List groups',
      description: 'The helpdesk teams tickets can be routed to, with their members.',
      inputSchema: {},
      outputSchema: {
        groups: z.array(z.object({ name: z.string(), description: z.string(), members: z.array(z.string()) })),
      },
      annotations: READ_ONLY,
    },
    () => guarded(async () => ok({ groups: await listGroups(await store()) })),
  );

  server.registerTool(
    'list_categories',
    {
      title: 'List categories',
      description: 'The ticket category tree (paths like Network/VPN) with the group each routes to.',
      inputSchema: {},
      outputSchema: {
        categories: z.array(
          z.object({ path: z.string(), parent: z.string().nullable(), defaultGroup: z.string().nullable() }),
        ),
      },
      annotations: READ_ONLY,
    },
    () => guarded(async () => ok({ categories: await listCategories(await store()) })),
  );
}
