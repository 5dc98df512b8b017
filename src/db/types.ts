export interface QueryResult<R = Record<string, unknown>> {
  rows: R[];
  rowCount: number;
}

/**
 * The one small interface both backends implement (real Postgres via `pg`,
 * embedded PGlite), so the engine has one code path.
 */
export interface Db {
  readonly kind: 'pg' | 'pglite';
  /** A human description with the password masked, e.g. `postgres://app:****@db:5432/app`. */
  readonly label: string;
  /** One statement, extended protocol, with parameters. */
  query<R = Record<string, any>>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** A script of one or more statements, simple protocol, no parameters. */
  exec(text: string): Promise<void>;
  /**
   * A second, independent session on the same database (for progress polling or
   * to look at locks). Undefined where the backend has only one session (PGlite).
   */
  openSession?(): Promise<Db>;
  /** Backend process id of this session, where there is one. */
  backendPid?(): Promise<number | undefined>;
  close(): Promise<void>;
}
