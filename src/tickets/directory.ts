import type { Queryable } from '../store/index.js';
import { TicketValidationError, UserNotFoundError } from './errors.js';

/** People, teams and categories: the names tickets refer to. */

export interface User {
  username: string;
  displayName: string;
  email: string | null;
  role: 'agent' | 'requester';
  department: string | null;
  location: string | null;
  groups: string[];
}

export interface Group {
  name: string;
  description: string;
  members: string[];
}

export interface Category {
  path: string;
  parent: string | null;
  defaultGroup: string | null;
}

/** A person with their groups, as listUsers and findUser read them; {where} is their filter. */
const USER_QUERY = `SELECT u.username, u.display_name, u.email, u.role, u.department, u.location,
            coalesce(array_agg(g.name ORDER BY g.name) FILTER (WHERE g.name IS NOT NULL), '{}') AS groups
     FROM users u
     LEFT JOIN group_members gm ON gm.user_id = u.id
     LEFT JOIN groups g ON g.id = gm.group_id
     WHERE {where}
     GROUP BY u.id`;

interface UserRow {
  username: string;
  display_name: string;
  email: string | null;
  role: User['role'];
  department: string | null;
  location: string | null;
  groups: string[];
}

function toUser(row: UserRow): User {
  return {
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    department: row.department,
    location: row.location,
    groups: row.groups,
  };
}

export async function listUsers(db: Queryable, filter: { role?: User['role']; group?: string } = {}): Promise<User[]> {
  const { rows } = await db.query<UserRow>(
    `${USER_QUERY.replace('{where}', 'u.active AND ($1::text IS NULL OR u.role = $1)')}
     HAVING $2::text IS NULL OR $2 = ANY(array_agg(g.name))
     ORDER BY u.username`,
    [filter.role ?? null, filter.group ?? null],
  );
  return rows.map(toUser);
}

export async function listGroups(db: Queryable): Promise<Group[]> {
  const { rows } = await db.query<{ name: string; description: string; members: string[] }>(
    `SELECT g.name, g.description,
            coalesce(array_agg(u.username ORDER BY u.username) FILTER (WHERE u.username IS NOT NULL), '{}') AS members
     FROM groups g
     LEFT JOIN group_members gm ON gm.group_id = g.id
     LEFT JOIN users u ON u.id = gm.user_id
     GROUP BY g.id ORDER BY g.name`,
  );
  return rows;
}

export async function listCategories(db: Queryable): Promise<Category[]> {
  const { rows } = await db.query<{ path: string; parent: string | null; default_group: string | null }>(
    `SELECT c.path, p.path AS parent, g.name AS default_group
     FROM categories c
     LEFT JOIN categories p ON p.id = c.parent_id
     LEFT JOIN groups g ON g.id = c.default_group_id
     ORDER BY c.path`,
  );
  return rows.map((row) => ({ path: row.path, parent: row.parent, defaultGroup: row.default_group }));
}

/** One person from the directory by username (any case), or null: a requester may be a free-text name. */
export async function findUser(db: Queryable, username: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>(USER_QUERY.replace('{where}', 'lower(u.username) = lower($1)'), [
    username.trim(),
  ]);
  return rows[0] ? toUser(rows[0]) : null;
}

/** Finds a name case-insensitively and says what exists when it does not. */
async function lookup(
  db: Queryable,
  table: 'groups' | 'categories',
  column: 'name' | 'path',
  value: string,
  what: { one: string; many: string },
) {
  const { rows } = await db.query<{ id: string; key: string }>(
    `SELECT id, ${column} AS key FROM ${table} WHERE lower(${column}) = lower($1)`,
    [value.trim()],
  );
  if (rows[0]) return rows[0];
  const { rows: all } = await db.query<{ key: string }>(`SELECT ${column} AS key FROM ${table} ORDER BY 1 LIMIT 50`);
  throw new TicketValidationError(
    `There is no ${what.one} "${value.slice(0, 80)}".`,
    all.length
      ? `Known ${what.many}: ${all.map((row) => row.key).join(', ')}.`
      : `No ${what.many} are set up yet (run \`itbot seed\`).`,
  );
}

export async function findGroup(db: Queryable, name: string): Promise<{ id: string; name: string }> {
  const row = await lookup(db, 'groups', 'name', name, { one: 'group', many: 'groups' });
  return { id: row.id, name: row.key };
}

export async function findCategory(
  db: Queryable,
  path: string,
): Promise<{ id: string; path: string; defaultGroupId: string | null }> {
  const row = await lookup(db, 'categories', 'path', path, { one: 'category', many: 'categories' });
  const { rows } = await db.query<{ default_group_id: string | null }>(
    'SELECT default_group_id FROM categories WHERE id = $1',
    [row.id],
  );
  return { id: row.id, path: row.key, defaultGroupId: rows[0]?.default_group_id ?? null };
}

/** Edit distance between two short strings (usernames). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Throws UserNotFoundError, naming the closest usernames, unless someone has this username. */
export async function requireUsername(db: Queryable, username: string): Promise<void> {
  const wanted = username.trim().toLowerCase();
  const { rows } = await db.query<{ username: string }>('SELECT username FROM users ORDER BY username');
  if (rows.some((row) => row.username.toLowerCase() === wanted)) return;
  // A username sharing a part with the one given ("aisha" → aisha.khan) ranks before mere spelling.
  const parts = wanted.split(/[._\s-]+/).filter((part) => part.length > 1);
  const score = (name: string) =>
    editDistance(wanted, name.toLowerCase()) - (parts.some((part) => name.toLowerCase().includes(part)) ? 100 : 0);
  const closest = rows
    .map((row) => row.username)
    .sort((a, b) => score(a) - score(b))
    .slice(0, 3);
  throw new UserNotFoundError(username, closest);
}

/** An active agent, by username; tickets are only ever assigned to agents. */
export async function findAgent(
  db: Queryable,
  username: string,
): Promise<{ id: string; username: string; groupIds: string[] }> {
  const { rows } = await db.query<{ id: string; username: string; role: string; group_ids: string[] }>(
    `SELECT u.id, u.username, u.role, coalesce(array_agg(gm.group_id) FILTER (WHERE gm.group_id IS NOT NULL), '{}') AS group_ids
     FROM users u LEFT JOIN group_members gm ON gm.user_id = u.id
     WHERE lower(u.username) = lower($1) AND u.active GROUP BY u.id`,
    [username.trim()],
  );
  const user = rows[0];
  if (user?.role !== 'agent') {
    throw new TicketValidationError(
      user
        ? `${user.username} is not a helpdesk agent, so tickets cannot be assigned to them.`
        : `There is no user "${username.slice(0, 80)}".`,
      'Use list_users with role "agent" to see who can take tickets.',
    );
  }
  return { id: user.id, username: user.username, groupIds: user.group_ids.map(String) };
}
