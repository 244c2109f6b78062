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

export interface Store extends Queryable {
  readonly kind: StoreKind;
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Connections by state, for metrics; the embedded store has no pool and says nothing. */
  poolStats?(): { inUse: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}
