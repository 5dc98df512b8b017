/**
 * The database side of protecting one table: what `finbrain protect <table>`
 * writes into a new revision, and what FinBrain's own migrations install for
 * `expenses`. One generator for every table a user protects.
 *
 * CONTRACT (shared by `finbrain protect` and the runtime): the function is pure
 * and its output is plain SQL for an `-- migrate:up` / `-- migrate:down` pair.
 *
 * What the SQL enforces, and why each piece is there:
 * - Privileges, not a setting: two NOLOGIN group roles. Logins in `appRole` may
 *   read the table but hold no write privilege on it, its audit trail or its
 *   idempotency records, so no statement they send, create or call (DO, views,
 *   functions, rules, COPY, MERGE …) can write them. Logins in `writerRole`
 *   (the canonical writer's own pool) may.
 * - Roles are cluster-wide: creation is idempotent and race-safe (parallel
 *   `migrate up` on several databases), and the down never drops them.
 * - A statement trigger on the table, the audit trail and the idempotency
 *   records stays as a tripwire for owners and superusers (who bypass
 *   privileges): it lets a statement through only when the current role is a
 *   non-superuser member of `writerRole` (pg_has_role). Its function has a
 *   fixed search_path and schema-qualifies everything, so no object an owner
 *   creates earlier on the path can answer for it.
 * - The audit trail is append-only for everyone but a superuser.
 * - A verification function lists what would let writes slip past or vanish
 *   (rules, inheritance children, disabled or missing guard triggers, row-level
 *   security, write privileges of the application role, a role in both
 *   groups). An event trigger runs it after every DDL command and refuses the
 *   command when it finds a problem (only a superuser can create event
 *   triggers; without one the canonical writer still runs it before every
 *   write).
 */
export interface ProtectionOptions {
  /** The protected table, unqualified. */
  table: string;
  /** Its schema (also the schema of the audit, idempotency and stats tables). */
  schema: string;
  /** NOLOGIN group role of application logins: may read, never write. */
  appRole: string;
  /** NOLOGIN group role of the canonical writer's login. */
  writerRole: string;
  /** Append-only audit trail of the table. */
  auditTable: string;
  /** Idempotency records of the writer. */
  idempotencyTable: string;
  /** Per-minute rollups the SLA monitor reads (shared by every protected table in the schema). */
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

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const MAX_IDENTIFIER_BYTES = 63;

/** Refuses names that are not plain identifiers: the generated SQL is static, reviewed text. */
export function assertProtectionOptions(o: ProtectionOptions): void {
  for (const [key, value] of Object.entries(o)) {
    if (typeof value !== 'string' || !IDENTIFIER.test(value) || Buffer.byteLength(value) > MAX_IDENTIFIER_BYTES) {
      throw new TypeError(`protection.${key}: ${JSON.stringify(value)} is not a valid identifier (letters, digits, _ and $, starting with a letter or _, at most 63 bytes)`);
    }
  }
  if (o.appRole === o.writerRole) throw new TypeError(`protection.appRole and protection.writerRole must differ (both are ${JSON.stringify(o.appRole)})`);
}

/** Names of everything the SQL creates for one table, shared with the runtime (the writer calls the verify function). */
export function protectionObjectNames(o: ProtectionOptions) {
  return {
    guardFunction: objectName('finbrain_guard_', o.table),
    appendOnlyFunction: objectName('finbrain_append_only_', o.table),
    verifyFunction: objectName('finbrain_verify_', o.table),
    ddlCheckFunction: objectName('finbrain_ddl_check_', o.table),
    eventTrigger: objectName('finbrain_protect_', `${o.schema}_${o.table}`),
    guardTrigger: 'finbrain_guard',
    appendOnlyTrigger: 'finbrain_append_only',
  };
}

/** `prefix + name`, kept within Postgres's 63-byte identifier limit with a stable hash suffix when too long. */
function objectName(prefix: string, name: string): string {
  const full = `${prefix}${name}`;
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  let h = 0x811c9dc5;
  for (const ch of full) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return `${full.slice(0, MAX_IDENTIFIER_BYTES - 9)}_${h.toString(16).padStart(8, '0')}`;
}

/** A double-quoted identifier. */
export const quoteIdent = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
/** A single-quoted string literal. */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The group roles, created once per cluster and race-safe (several databases
 * may migrate at the same moment: the second CREATE ROLE waits for the first
 * and then finds it). The start of every protection revision.
 */
export function renderRolesSql(o: ProtectionOptions): string {
  assertProtectionOptions(o);
  const label = `${o.schema}.${o.table}`;
  return `-- Roles are cluster-wide: create them once, race-safe (several databases may migrate at the same time).
DO $roles$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY[${lit(o.appRole)}, ${lit(o.writerRole)}] LOOP
        BEGIN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', role_name);
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
                    RAISE EXCEPTION 'finbrain protection: role % does not exist and % may not create roles', role_name, CURRENT_USER
                        USING HINT = pg_catalog.format('Ask a database administrator to run CREATE ROLE %I NOLOGIN, then migrate again.', role_name);
                END IF;
        END;
    END LOOP;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname IN (${lit(o.appRole)}, ${lit(o.writerRole)}) AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'finbrain protection: role % or % is a superuser or bypasses row security; group roles must be plain NOLOGIN roles', ${lit(o.appRole)}, ${lit(o.writerRole)};
    END IF;
    IF pg_catalog.pg_has_role(${lit(o.appRole)}, ${lit(o.writerRole)}, 'MEMBER') THEN
        RAISE EXCEPTION 'finbrain protection: role % is a member of %, so application logins could write ${label}', ${lit(o.appRole)}, ${lit(o.writerRole)}
            USING HINT = pg_catalog.format('REVOKE %I FROM %I', ${lit(o.writerRole)}, ${lit(o.appRole)});
    END IF;
END
$roles$;`;
}

export function renderProtectionSql(o: ProtectionOptions): ProtectionSql {
  assertProtectionOptions(o);
  const n = protectionObjectNames(o);
  const S = quoteIdent(o.schema);
  const qual = (name: string) => `${S}.${quoteIdent(name)}`;
  const t = qual(o.table);
  const audit = qual(o.auditTable);
  const requests = qual(o.idempotencyTable);
  const stats = qual(o.statsTable);
  const app = quoteIdent(o.appRole);
  const writer = quoteIdent(o.writerRole);
  const label = `${o.schema}.${o.table}`;
  // Regclass literals for the catalog queries: the quoted, qualified names as text.
  const reg = (qualified: string) => `${lit(qualified)}`;
  const isSuper = `(SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER)`;
  // Serial columns draw from sequences: the writer role gets (and loses) them with the table.
  const sequencePrivileges = (statement: string) => `DO $sequences$
DECLARE
    seq regclass;
BEGIN
    FOR seq IN
        SELECT d.objid::regclass FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class c ON c.oid = d.objid
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refobjid = ${reg(t)}::regclass AND c.relkind = 'S'
    LOOP
        EXECUTE pg_catalog.format('${statement}', seq, ${lit(o.writerRole)});
    END LOOP;
END
$sequences$;`;

  const up = `${renderRolesSql(o)}

CREATE TABLE ${audit} (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    row_id         text NOT NULL,
    action         text NOT NULL,
    actor          text NOT NULL,
    idempotency_key text,
    before         jsonb,
    after          jsonb,
    at             timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ON ${audit} (row_id, at);

CREATE TABLE ${requests} (
    idempotency_key text PRIMARY KEY,
    operation       text NOT NULL,
    request_hash    text NOT NULL,
    result          jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ${stats} (
    bucket      timestamptz NOT NULL,
    operation   text NOT NULL,
    outcome     text NOT NULL,
    count       bigint NOT NULL DEFAULT 0,
    total_ms    double precision NOT NULL DEFAULT 0,
    -- latency histogram: counts at or under 5, 10, 25, 50, 100, 250, 500, 1000 ms, and above
    buckets     bigint[] NOT NULL DEFAULT '{0,0,0,0,0,0,0,0,0}',
    PRIMARY KEY (bucket, operation, outcome)
);

-- Privileges: the application role reads, the writer role writes, the audit trail only grows.
REVOKE ALL ON ${t}, ${audit}, ${requests} FROM PUBLIC, ${app}, ${writer};
GRANT USAGE ON SCHEMA ${S} TO ${app}, ${writer};
GRANT SELECT ON ${t}, ${audit} TO ${app};
GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO ${writer};
GRANT SELECT, INSERT ON ${audit}, ${requests} TO ${writer};
GRANT SELECT, INSERT, UPDATE ON ${stats} TO ${app}, ${writer};
-- serial columns draw from sequences the writer must be allowed to use
${sequencePrivileges('GRANT USAGE ON SEQUENCE %s TO %I')}

-- The tripwire for owners and superusers, who bypass privileges: only a non-superuser member of ${o.writerRole}.
CREATE FUNCTION ${qual(n.guardFunction)}() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $guard$
BEGIN
    IF NOT pg_catalog.pg_has_role(CURRENT_USER, ${lit(o.writerRole)}, 'MEMBER') OR ${isSuper} THEN
        RAISE EXCEPTION 'finbrain single-writer guard: % on %.% is only allowed to the canonical writer (a login in role %), not to %', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, ${lit(o.writerRole)}, CURRENT_USER
            USING ERRCODE = '42501',
                  HINT = ${lit(`Write through the canonical writer, which connects with a login in role ${o.writerRole}. A migration that must change rows runs SET LOCAL ROLE ${o.writerRole} first.`)};
    END IF;
    RETURN NULL;
END
$guard$;

CREATE TRIGGER ${quoteIdent(n.guardTrigger)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t}
    FOR EACH STATEMENT EXECUTE FUNCTION ${qual(n.guardFunction)}();
CREATE TRIGGER ${quoteIdent(n.guardTrigger)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${requests}
    FOR EACH STATEMENT EXECUTE FUNCTION ${qual(n.guardFunction)}();
CREATE TRIGGER ${quoteIdent(n.guardTrigger)} BEFORE INSERT ON ${audit}
    FOR EACH STATEMENT EXECUTE FUNCTION ${qual(n.guardFunction)}();

-- Append-only: history is never rewritten or erased, except by a superuser.
CREATE FUNCTION ${qual(n.appendOnlyFunction)}() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $append_only$
BEGIN
    IF ${isSuper} THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'finbrain audit trail: % on %.% is not allowed; the audit trail is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = '42501',
              HINT = 'Audit rows are only ever added, by the canonical writer in the same transaction as the change.';
END
$append_only$;

CREATE TRIGGER ${quoteIdent(n.appendOnlyTrigger)} BEFORE UPDATE OR DELETE OR TRUNCATE ON ${audit}
    FOR EACH STATEMENT EXECUTE FUNCTION ${qual(n.appendOnlyFunction)}();

-- What would let a write slip past or vanish; empty when the protection is intact.
-- PL/pgSQL, not SQL: the writer calls it in every transaction, and PL/pgSQL keeps the query's plan for the session.
CREATE FUNCTION ${qual(n.verifyFunction)}() RETURNS SETOF text LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $verify$
BEGIN
    RETURN QUERY
    WITH rel(oid, label) AS (
        SELECT pg_catalog.to_regclass(x.name), x.name FROM (VALUES (${reg(t)}), (${reg(audit)}), (${reg(requests)})) AS x(name)
    ), role(name, oid) AS (
        SELECT x.name, (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = x.name) FROM (VALUES (${lit(o.appRole)}), (${lit(o.writerRole)})) AS x(name)
    ), expected(label, tgname, events) AS (
        VALUES (${reg(t)}, ${lit(n.guardTrigger)}, 'guard'), (${reg(requests)}, ${lit(n.guardTrigger)}, 'guard'),
               (${reg(audit)}, ${lit(n.guardTrigger)}, 'guard'), (${reg(audit)}, ${lit(n.appendOnlyTrigger)}, 'append-only')
    )
    SELECT pg_catalog.format('%s does not exist', label) FROM rel WHERE oid IS NULL
    UNION ALL
    SELECT pg_catalog.format('role %s does not exist', name) FROM role WHERE oid IS NULL
    UNION ALL
    SELECT pg_catalog.format('rule %s on %s (rules rewrite or swallow the writer''s statements)', r.rulename, rel.label)
    FROM rel JOIN pg_catalog.pg_rewrite r ON r.ev_class = rel.oid WHERE r.rulename <> '_RETURN'
    UNION ALL
    SELECT pg_catalog.format('%s inherits from %s (its rows bypass the guard triggers)', i.inhrelid::regclass, rel.label)
    FROM rel JOIN pg_catalog.pg_inherits i ON i.inhparent = rel.oid
    UNION ALL
    SELECT pg_catalog.format('%s is attached under %s (writes through the parent bypass its statement triggers and privileges)', rel.label, i.inhparent::regclass)
    FROM rel JOIN pg_catalog.pg_inherits i ON i.inhrelid = rel.oid
    UNION ALL
    SELECT pg_catalog.format('the %s trigger %s on %s is missing', e.events, e.tgname, e.label)
    FROM expected e WHERE pg_catalog.to_regclass(e.label) IS NOT NULL AND NOT EXISTS (
        SELECT FROM pg_catalog.pg_trigger g WHERE g.tgrelid = pg_catalog.to_regclass(e.label) AND g.tgname = e.tgname)
    UNION ALL
    SELECT pg_catalog.format('trigger %s on %s is disabled (tgenabled = %s)', g.tgname, rel.label, g.tgenabled)
    FROM rel JOIN pg_catalog.pg_trigger g ON g.tgrelid = rel.oid
    WHERE g.tgname IN (${lit(n.guardTrigger)}, ${lit(n.appendOnlyTrigger)}) AND g.tgenabled NOT IN ('O', 'A')
    UNION ALL
    SELECT pg_catalog.format('row-level security is enabled on %s (policies can make the writer''s statements touch no row)', rel.label)
    FROM rel JOIN pg_catalog.pg_class c ON c.oid = rel.oid WHERE c.relrowsecurity
    UNION ALL
    SELECT pg_catalog.format('role %s may %s %s', ${lit(o.appRole)}, p.priv, rel.label)
    FROM rel CROSS JOIN (VALUES ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('TRIGGER'), ('REFERENCES')) AS p(priv)
    WHERE rel.oid IS NOT NULL AND (SELECT oid FROM role WHERE name = ${lit(o.appRole)}) IS NOT NULL
      AND pg_catalog.has_table_privilege((SELECT oid FROM role WHERE name = ${lit(o.appRole)}), rel.oid, p.priv)
    UNION ALL
    SELECT pg_catalog.format('role %s may %s %s (the audit trail is append-only)', ${lit(o.writerRole)}, p.priv, ${reg(audit)})
    FROM (VALUES ('UPDATE'), ('DELETE'), ('TRUNCATE')) AS p(priv)
    WHERE pg_catalog.to_regclass(${reg(audit)}) IS NOT NULL AND (SELECT oid FROM role WHERE name = ${lit(o.writerRole)}) IS NOT NULL
      AND pg_catalog.has_table_privilege((SELECT oid FROM role WHERE name = ${lit(o.writerRole)}), pg_catalog.to_regclass(${reg(audit)}), p.priv)
    UNION ALL
    SELECT pg_catalog.format('role %s is a member of both %s and %s', r.rolname, ${lit(o.appRole)}, ${lit(o.writerRole)})
    FROM pg_catalog.pg_roles r
    WHERE NOT r.rolsuper AND (SELECT pg_catalog.bool_and(oid IS NOT NULL) FROM role)
      AND pg_catalog.pg_has_role(r.oid, (SELECT oid FROM role WHERE name = ${lit(o.appRole)}), 'MEMBER')
      AND pg_catalog.pg_has_role(r.oid, (SELECT oid FROM role WHERE name = ${lit(o.writerRole)}), 'MEMBER');
END
$verify$;

-- Refuse DDL that breaks the protection (a rule, a child table, a disabled trigger, a grant …) when it happens.
-- It fires for every role's DDL in the database: SECURITY DEFINER (it only reads the catalog, with a fixed
-- search_path) so that a role without USAGE on this schema can still run its own DDL.
CREATE FUNCTION ${qual(n.ddlCheckFunction)}() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $ddl_check$
DECLARE
    problems text;
BEGIN
    SELECT pg_catalog.string_agg(p, '; ') INTO problems FROM ${qual(n.verifyFunction)}() AS p;
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'finbrain protection of ${label}: % breaks it: %', TG_TAG, problems
            USING ERRCODE = '42501',
                  HINT = 'Undo the change, or remove the protection with the down of its revision first.';
    END IF;
END
$ddl_check$;

DO $event_trigger$
BEGIN
    IF ${isSuper} THEN
        CREATE EVENT TRIGGER ${quoteIdent(n.eventTrigger)} ON ddl_command_end EXECUTE FUNCTION ${qual(n.ddlCheckFunction)}();
    ELSE
        RAISE NOTICE 'finbrain protection of ${label}: % is not a superuser, so no event trigger refuses DDL that breaks the protection; the canonical writer still checks before every write', CURRENT_USER;
    END IF;
END
$event_trigger$;
`;

  const down = `-- Roles are cluster-wide and may serve other databases: they stay (DROP ROLE by hand when no database uses them).
DROP EVENT TRIGGER IF EXISTS ${quoteIdent(n.eventTrigger)};
DROP FUNCTION IF EXISTS ${qual(n.ddlCheckFunction)}();
DROP FUNCTION IF EXISTS ${qual(n.verifyFunction)}();
DROP TRIGGER IF EXISTS ${quoteIdent(n.appendOnlyTrigger)} ON ${audit};
DROP TRIGGER IF EXISTS ${quoteIdent(n.guardTrigger)} ON ${audit};
DROP TRIGGER IF EXISTS ${quoteIdent(n.guardTrigger)} ON ${requests};
DROP TRIGGER IF EXISTS ${quoteIdent(n.guardTrigger)} ON ${t};
DROP FUNCTION IF EXISTS ${qual(n.appendOnlyFunction)}();
DROP FUNCTION IF EXISTS ${qual(n.guardFunction)}();
REVOKE ALL ON ${t} FROM ${app}, ${writer};
${sequencePrivileges('REVOKE ALL ON SEQUENCE %s FROM %I')}
DROP TABLE IF EXISTS ${requests};
DROP TABLE IF EXISTS ${audit};
-- The rollups and the schema grant are shared by every protected table of the schema: the last one out removes them.
DO $shared$
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace s ON s.oid = p.pronamespace
        WHERE s.nspname = ${lit(o.schema)} AND p.proname LIKE 'finbrain\\_verify\\_%'
    ) THEN
        DROP TABLE IF EXISTS ${stats};
        REVOKE ALL ON SCHEMA ${S} FROM ${app}, ${writer};
    END IF;
END
$shared$;
`;
  return { up, down };
}
