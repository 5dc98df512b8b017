import * as z from './zod.js';

/**
 * The one configuration schema. Every key is optional and every default works
 * with no config file at all. Each feature owns one section; add to it here,
 * never in a second schema.
 */

const ms = z.number().int().nonnegative();

export const DatabaseSchema = z.strictObject({
  /** Used when DATABASE_URL is not set. */
  url: z.string().min(1).optional(),
  /** Where the embedded PGlite database persists, relative to the project root. */
  embeddedDir: z.string().min(1).default('.finbrain/pglite'),
  connectTimeoutMs: ms.default(10_000),
});

export const MigrateSchema = z.strictObject({
  /** The ledger table; schema-qualified names are allowed. */
  ledgerTable: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, 'must be a lower-case identifier, optionally schema-qualified')
    .default('finbrain_migrations'),
  /** Key of the session-level advisory lock that serialises runners. */
  lockKey: z.number().int().default(7_346_019_271),
  /** How long a runner waits for the advisory lock before failing. */
  lockWaitMs: ms.default(60_000),
  /** lock_timeout for migration statements: DDL must not queue behind long transactions. */
  lockTimeoutMs: ms.default(5_000),
  /** statement_timeout for migration statements; 0 turns it off. */
  statementTimeoutMs: ms.default(0),
  /** How often a statement that hit lock_timeout is retried. */
  lockRetries: z.number().int().min(0).max(50).default(3),
  /** First backoff between retries; doubles each time. */
  retryBackoffMs: ms.default(500),
  /** Run `Transaction: auto` migrations without a transaction (CONCURRENT_MIGRATION=true does the same). */
  concurrent: z.boolean().default(false),
});

/** Every extension the analyzer reads: a JavaScript service is checked as fully as a TypeScript one. */
export const SOURCE_EXTENSIONS = '{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

export const SingleWriterSchema = z.strictObject({
  /**
   * Nothing is protected until the user says so (`finbrain protect <table>`); an explicit
   * empty list is a mistake, so only the default may be empty.
   */
  protectedTables: z
    .array(z.string().min(1))
    .min(1, 'list at least one table, or leave the key out until you protect one (npx finbrain protect <table> --writer <glob>)')
    .default([]),
  writers: z.array(z.string().min(1)).default([]),
  include: z.array(z.string().min(1)).default([`src/**/*.${SOURCE_EXTENSIONS}`]),
  exclude: z
    .array(z.string().min(1))
    .default(['**/*.test.*', '**/*.spec.*', '**/test/**', '**/tests/**', '**/__tests__/**', '**/*.d.ts', 'migrations/**', '**/node_modules/**']),
  /** Functions or objects (by import name) that wrap a database client and forward SQL to it. */
  wrappers: z.array(z.string().min(1)).default([]),
  /** Reuse results for unchanged files from `.finbrain/cache/` (keyed by content hashes, finbrain version and this section). */
  cache: z.boolean().default(true),
  /** Worker threads for large runs (one per 600 files at most); 1 analyses in the calling thread. */
  workers: z.number().int().min(1).max(16).default(1),
});

export const CheckToggleSchema = z.strictObject({ enabled: z.boolean().default(true) });

/** A known false positive of the security scan; the reason is required and shown in reviews. */
export const SecurityAllowSchema = z.strictObject({
  /** Rule id (e.g. `finbrain/postgres-url-password`); omitted = any rule. */
  rule: z.string().min(1).optional(),
  /** Glob of files it applies to; omitted = any file. */
  path: z.string().min(1).optional(),
  /** Regular expression the secret (or the text the rule matched around it, e.g. the whole URL) must match; omitted = any. */
  match: z
    .string()
    .min(1)
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression')
    .optional(),
  reason: z.string().min(3, 'say why this is not a secret'),
});

export const SecuritySchema = z.strictObject({
  enabled: z.boolean().default(true),
  allow: z.array(SecurityAllowSchema).default([]),
  /** Also scan what is staged in the index (pre-commit use). */
  includeStaged: z.boolean().default(true),
  /** Files larger than this are not scanned (minified bundles, data); each is reported as a note. */
  maxFileBytes: z.number().int().positive().default(1_000_000),
  /**
   * The most text one scan holds at once. Past it the scan is refused (exit 2) before
   * reading, instead of exhausting memory, e.g. in a home directory that is not a git work tree.
   */
  maxScanBytes: z.number().int().positive().default(512_000_000),
  /** Worker threads for secret detection: `auto` (one per core, up to 4, for large scans and --history) or a number (0 = on the main thread). */
  workers: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default('auto'),
  /** Env-file templates that may be committed when their values are empty or placeholders. */
  envTemplates: z.array(z.string().min(1)).default(['.env.example', '.env.sample', '.env.template', '.env.dist', 'example.env', 'sample.env']),
});

export const CodeownersSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * Paths every change to which needs an owner's review (directories end with `/`, globs allowed).
   * Unset: what the config already names (the writers, the migrations folder, this config file,
   * the finbrain workflow and CODEOWNERS itself), derived in checks/codeowners.ts.
   */
  protectedPaths: z.array(z.string().min(1)).optional(),
});

export const ChecksSchema = z
  .strictObject({
    'single-writer': CheckToggleSchema.prefault({}),
    migrations: CheckToggleSchema.prefault({}),
    security: SecuritySchema.prefault({}),
    codeowners: CodeownersSchema.prefault({}),
    /** Needs a database, so `check all` skips it unless enabled. */
    data: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
  })
  .prefault({});

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, 'must be an SQL identifier (letters, digits, _ and $, starting with a letter or _)').max(63, 'must be at most 63 characters');

/** A table `check data` scans, and which of its columns hold the money. */
export const StandardsTableSchema = z.strictObject({
  table: identifier,
  schema: identifier.default('public'),
  idColumn: identifier.default('id'),
  amountColumn: identifier.default('amount'),
  currencyColumn: identifier.default('currency'),
  /** null when the table has no source column. */
  sourceColumn: identifier.nullable().default('source'),
});

export const ChangelogSchema = z.strictObject({
  /** The `# heading` of a new CHANGELOG.md (an existing file keeps its own). */
  title: z.string().min(1).default('Changelog'),
  /**
   * A Markdown file (relative to the project root) whose text opens a new CHANGELOG.md instead of
   * the title and the default introduction; the generated migration history follows it.
   */
  preambleFile: z.string().min(1).optional(),
});

export const StandardsSchema = z.strictObject({
  allowedSources: z.array(z.string().min(1)).min(1).default(['chat', 'form', 'api', 'import']),
  /** Upper bound for a single amount, as a decimal string. */
  maxAmount: z.string().regex(/^\d+(\.\d+)?$/).default('1000000000'),
  /** The tables `finbrain check data` scans; none by default. */
  tables: z.array(StandardsTableSchema).default([]),
});

/**
 * The database side of protecting tables (what `finbrain protect` renders,
 * what the canonical writer and the runtime guard expect): role names, the
 * schema, the rollups table, and per-table overrides of the derived names
 * (`<table>_audit`, `<table>_requests`).
 */
export const ProtectionSchema = z.strictObject({
  schema: identifier.default('public'),
  appRole: identifier.default('finbrain_app'),
  writerRole: identifier.default('finbrain_writer'),
  statsTable: identifier.default('finbrain_writer_stats'),
  tables: z
    .record(identifier, z.strictObject({ schema: identifier.optional(), auditTable: identifier.optional(), idempotencyTable: identifier.optional() }))
    .default({}),
});

export const MonitorSchema = z.strictObject({
  successRate: z.number().min(0).max(1).default(0.999),
  p95Ms: z.number().positive().default(100),
  maxViolations: z.number().int().min(0).default(0),
  windowMinutes: z.number().int().positive().default(60),
});

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  migrationsDir: z.string().min(1).default('migrations'),
  database: DatabaseSchema.prefault({}),
  migrate: MigrateSchema.prefault({}),
  singleWriter: SingleWriterSchema.prefault({}),
  checks: ChecksSchema,
  changelog: ChangelogSchema.prefault({}),
  standards: StandardsSchema.prefault({}),
  protection: ProtectionSchema.prefault({}),
  monitor: MonitorSchema.prefault({}),
});

export type FinbrainConfig = z.infer<typeof ConfigSchema>;
export type FinbrainConfigInput = z.input<typeof ConfigSchema>;
