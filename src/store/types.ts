/** What every piece of itbot needs from a database: parameterised SQL and transactions. */
export interface Queryable {
  /** One statement with $1… parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** Several statements, no parameters (migration files). */
  exec(sql: string): Promise<void>;
}

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export type StoreKind = 'embedded' | 'server';

/** The read replica (DATABASE_READ_URL) as the server last saw it. */
export interface ReplicaStatus {
  state: 'up' | 'down';
  /** Where it is, safe to print. */
  location: string;
  reason?: string;
  /** Seconds since the replica last replayed a transaction (grows while the primary is idle too). */
  secondsSinceReplay?: number | null;
  /** Reads that went to the primary instead, by reason (see ReadFallbackReason). */
  fallbacks: Record<string, number>;
}

export interface Store extends Queryable {
  readonly kind: StoreKind;
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Where reads that tolerate replication lag go (knowledge search): the replica when
   * DATABASE_READ_URL is set, falling back to the primary; undefined means this store itself.
   * Ticket reads never use it: a client must always see the ticket it has just written.
   */
  readonly lagTolerant?: Queryable;
  /** The read replica's state, when there is one (for /readyz and metrics). */
  replicaStatus?(): Promise<ReplicaStatus>;
  /** Lag-tolerant reads the primary answered instead of the replica, by reason, since opening. */
  readFallbacks?(): Record<string, number>;
  /** Connections by state, for metrics; the embedded store has no pool and says nothing. */
  poolStats?(): { inUse: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}
