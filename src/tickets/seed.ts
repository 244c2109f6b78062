import fs from 'node:fs';
import path from 'node:path';
import type { Queryable, Store } from '../store/index.js';
import { TicketValidationError } from './errors.js';
import type { Level, ResolutionCode, TicketStatus, TicketType } from './model.js';
import { priorityFor, slaDueTimes } from './priority.js';
import { appendEvent } from './rows.js';

/** A company's helpdesk set-up: its teams, people and ticket categories. */
export interface CompanySeed {
  groups: { name: string; description: string }[];
  users: {
    username: string;
    displayName: string;
    email?: string;
    role: 'agent' | 'requester';
    department?: string;
    location?: string;
    groups: string[];
  }[];
  categories: { path: string; defaultGroup?: string }[];
}

/** A historical ticket, for demos and for measuring triage. */
export interface TicketSeed {
  title: string;
  description: string;
  type: TicketType;
  category: string;
  impact: Level;
  urgency: Level;
  requester: string;
  assignee: string | null;
  group: string;
  status: TicketStatus;
  resolution_code: ResolutionCode | null;
  resolution_notes: string | null;
  tags: string[];
  created_days_ago: number;
  hours_to_resolve: number | null;
}

export function readCompanySeed(dir: string): CompanySeed {
  return JSON.parse(fs.readFileSync(path.join(dir, 'company.json'), 'utf8')) as CompanySeed;
}

export function readTicketSeeds(dir: string): TicketSeed[] {
  return fs
    .readFileSync(path.join(dir, 'tickets.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as TicketSeed);
}

async function idByName(db: Queryable, sql: string, name: string, what: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(sql, [name]);
  if (!rows[0]) throw new TicketValidationError(`The seed refers to an unknown ${what} "${name}".`);
  return rows[0].id;
}

/** Adds (or refreshes) groups, users, memberships and categories. Safe to run again. */
export async function seedCompany(
  store: Store,
  seed: CompanySeed,
): Promise<{ groups: number; users: number; categories: number }> {
  return store.transaction(async (tx) => {
    for (const group of seed.groups) {
      await tx.query(
        'INSERT INTO groups (name, description) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET description = $2',
        [group.name, group.description],
      );
    }
    for (const user of seed.users) {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO users (username, display_name, email, role, department, location) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (username) DO UPDATE SET display_name = $2, email = $3, role = $4, department = $5, location = $6
         RETURNING id`,
        [
          user.username,
          user.displayName,
          user.email ?? null,
          user.role,
          user.department ?? null,
          user.location ?? null,
        ],
      );
      for (const group of user.groups) {
        const groupId = await idByName(tx, 'SELECT id FROM groups WHERE name = $1', group, 'group');
        await tx.query('INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          groupId,
          rows[0]?.id,
        ]);
      }
    }
    // Parents first, so each child finds its parent.
    const categories = [...seed.categories].sort((a, b) => a.path.split('/').length - b.path.split('/').length);
    for (const category of categories) {
      const parentPath = category.path.includes('/') ? category.path.slice(0, category.path.lastIndexOf('/')) : null;
      const parentId = parentPath
        ? await idByName(tx, 'SELECT id FROM categories WHERE path = $1', parentPath, 'category')
        : null;
      const groupId = category.defaultGroup
        ? await idByName(tx, 'SELECT id FROM groups WHERE name = $1', category.defaultGroup, 'group')
        : null;
      await tx.query(
        `INSERT INTO categories (path, parent_id, default_group_id) VALUES ($1, $2, $3)
         ON CONFLICT (path) DO UPDATE SET parent_id = $2, default_group_id = $3`,
        [category.path, parentId, groupId],
      );
    }
    return { groups: seed.groups.length, users: seed.users.length, categories: seed.categories.length };
  });
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Loads historical tickets with their timelines as they would have happened (created, assigned,
 * resolved, closed at past times). Each carries an idempotency key, so loading twice adds nothing.
 */
export async function seedTickets(store: Store, seeds: TicketSeed[], now = new Date()): Promise<{ added: number }> {
  return store.transaction(async (tx) => {
    let added = 0;
    for (const [index, seed] of seeds.entries()) {
      const createdAt = new Date(now.getTime() - seed.created_days_ago * DAY_MS);
      const priority = priorityFor(seed.impact, seed.urgency);
      const due = slaDueTimes(priority, createdAt, 0);
      const resolvedAt =
        seed.hours_to_resolve !== null ? new Date(createdAt.getTime() + seed.hours_to_resolve * HOUR_MS) : null;
      const isResolved = seed.status === 'resolved' || seed.status === 'closed';
      const categoryId = await idByName(tx, 'SELECT id FROM categories WHERE path = $1', seed.category, 'category');
      const groupId = await idByName(tx, 'SELECT id FROM groups WHERE name = $1', seed.group, 'group');
      const assigneeId = seed.assignee
        ? await idByName(tx, 'SELECT id FROM users WHERE username = $1', seed.assignee, 'user')
        : null;
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO tickets (title, description, type, impact, urgency, priority, category_id, requester, assignee_id, group_id,
                              source, tags, status, first_response_due, resolution_due, first_responded_at, resolved_at,
                              closed_at, resolution_code, resolution_notes, pending_since, pending_reason, idempotency_key,
                              created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'portal', $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                 $23, $24)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [
          seed.title,
          seed.description,
          seed.type,
          seed.impact,
          seed.urgency,
          priority,
          categoryId,
          seed.requester,
          assigneeId,
          groupId,
          seed.tags,
          seed.status,
          due.firstResponseDue,
          due.resolutionDue,
          seed.assignee ? new Date(createdAt.getTime() + HOUR_MS / 2) : null,
          isResolved ? resolvedAt : null,
          seed.status === 'closed' && resolvedAt ? new Date(resolvedAt.getTime() + 2 * DAY_MS) : null,
          isResolved ? seed.resolution_code : null,
          isResolved ? seed.resolution_notes : null,
          seed.status === 'pending' ? createdAt : null,
          seed.status === 'pending' ? 'Waiting for the requester' : null,
          `seed:${index}:${seed.title}`.slice(0, 200),
          createdAt,
          resolvedAt ?? createdAt,
        ],
      );
      const id = rows[0]?.id;
      if (!id) continue;
      added++;
      await appendEvent(tx, id, {
        kind: 'created',
        author: seed.requester,
        authorKind: 'requester',
        body: seed.description,
        at: createdAt,
      });
      if (seed.status !== 'new') {
        await appendEvent(tx, id, {
          kind: 'status',
          author: seed.assignee ?? 'system',
          authorKind: seed.assignee ? 'agent' : 'system',
          body: isResolved ? seed.resolution_notes : null,
          changes: { status: { from: 'new', to: isResolved ? 'resolved' : seed.status } },
          at: isResolved && resolvedAt ? resolvedAt : new Date(createdAt.getTime() + HOUR_MS / 2),
        });
      }
      if (seed.status === 'closed' && resolvedAt) {
        await appendEvent(tx, id, {
          kind: 'status',
          author: 'system',
          authorKind: 'system',
          changes: { status: { from: 'resolved', to: 'closed' } },
          at: new Date(resolvedAt.getTime() + 2 * DAY_MS),
        });
      }
    }
    return { added };
  });
}
