/**
 * The database side of protecting one table: what `finbrain protect <table>`
 * writes into a new revision, and what FinBrain's own migrations install for
 * `expenses`. One generator for every table a user protects.
 *
 * CONTRACT (shared by `finbrain protect` and the runtime): the function is pure
 * and its output is plain SQL for an `-- migrate:up` / `-- migrate:down` pair.
 * The body below is the first, marker-based version; the privilege-based
 * version (roles, append-only audit, fixed search_path) replaces it.
 */
export interface ProtectionOptions {
  /** The protected table, unqualified. */
  table: string;
  /** Its schema. */
  schema: string;
  /** NOLOGIN group role of application logins: may read, never write. */
  appRole: string;
  /** NOLOGIN group role of the canonical writer's login. */
  writerRole: string;
  /** Append-only audit trail of the table. */
  auditTable: string;
  /** Idempotency records of the writer. */
  idempotencyTable: string;
  /** Per-minute rollups the SLA monitor reads (shared by every protected table). */
  statsTable: string;
}

export interface ProtectionSql {
  up: string;
  down: string;
}

/** Defaults derived from the table name, overridable from finbrain.config.json `protection`. */
export function protectionDefaults(table: string, o: Partial<ProtectionOptions> = {}): ProtectionOptions {
  return {
    table,
    schema: o.schema ?? 'public',
    appRole: o.appRole ?? 'finbrain_app',
    writerRole: o.writerRole ?? 'finbrain_writer',
    auditTable: o.auditTable ?? `${table}_audit`,
    idempotencyTable: o.idempotencyTable ?? `${table}_requests`,
    statsTable: o.statsTable ?? 'finbrain_writer_stats',
  };
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

export function renderProtectionSql(o: ProtectionOptions): ProtectionSql {
  const t = `${q(o.schema)}.${q(o.table)}`;
  const audit = `${q(o.schema)}.${q(o.auditTable)}`;
  const requests = `${q(o.schema)}.${q(o.idempotencyTable)}`;
  const stats = `${q(o.schema)}.${q(o.statsTable)}`;
  const fn = `${q(o.schema)}.${q(`finbrain_guard_${o.table}`)}`;
  const up = `CREATE TABLE IF NOT EXISTS ${audit} (
    id        bigserial PRIMARY KEY,
    row_id    text NOT NULL,
    action    text NOT NULL,
    actor     text NOT NULL,
    before    jsonb,
    after     jsonb,
    at        timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE IF NOT EXISTS ${requests} (
    idempotency_key text PRIMARY KEY,
    operation       text NOT NULL,
    request_hash    text,
    result          jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ${stats} (
    bucket      timestamptz NOT NULL,
    operation   text NOT NULL,
    outcome     text NOT NULL,
    count       bigint NOT NULL DEFAULT 0,
    total_ms    double precision NOT NULL DEFAULT 0,
    buckets     bigint[] NOT NULL DEFAULT '{0,0,0,0,0,0,0,0,0}',
    PRIMARY KEY (bucket, operation, outcome)
);

CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF coalesce(current_setting('finbrain.writer', true), '') <> 'canonical' THEN
        RAISE EXCEPTION 'finbrain single-writer guard: % on % is only allowed through the canonical writer', TG_OP, TG_TABLE_NAME
            USING ERRCODE = '42501';
    END IF;
    IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$fn$;

CREATE TRIGGER ${q(`${o.table}_single_writer_rows`)} BEFORE INSERT OR UPDATE OR DELETE ON ${t}
    FOR EACH ROW EXECUTE FUNCTION ${fn}();
CREATE TRIGGER ${q(`${o.table}_single_writer_truncate`)} BEFORE TRUNCATE ON ${t}
    FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();
`;
  const down = `DROP TRIGGER IF EXISTS ${q(`${o.table}_single_writer_truncate`)} ON ${t};
DROP TRIGGER IF EXISTS ${q(`${o.table}_single_writer_rows`)} ON ${t};
DROP FUNCTION IF EXISTS ${fn}();
DROP TABLE IF EXISTS ${requests};
DROP TABLE IF EXISTS ${audit};
`;
  return { up, down };
}
