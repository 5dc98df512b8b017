import { existsSync } from 'node:fs';
import { readRevisionFiles } from '../revisions/revision-folder.js';
import { resolve } from 'node:path';
import { isFinbrainError, UsageError } from '../errors.js';
import { CODEOWNERS_LOCATIONS, parseCodeowners } from '../codeowners/parse.js';
import { codeownersPattern } from '../codeowners/analyze.js';
import { CONFIG_FILE_NAME, WORKFLOW_FILE } from '../codeowners/protected-paths.js';
import { SingleWriterSchema, SOURCE_EXTENSIONS } from '../config/schema.js';
import { detectProject, type ProjectLayout } from './detect-project.js';
import { renderTemplate } from './templates.js';
import { writeAllOrNothing, type PlannedFile } from './write-plan.js';

export interface InitOptions {
  /** The service's root (default: the current directory). */
  root?: string;
  cwd?: string;
  /** Owners (@org/team, @user or an email) for a new .github/CODEOWNERS covering the protected paths. */
  owners?: string[];
  migrationsDir?: string;
}

export interface InitResult {
  root: string;
  language: ProjectLayout['language'];
  sourceFolders: string[];
  /** Whether the source folders were found or assumed (nothing found). */
  sourceFoldersAssumed: boolean;
  include: string[];
  written: { path: string; what: string }[];
  /** Where an existing CODEOWNERS was found (init never edits it). */
  existingCodeowners?: string;
  /** The paths the codeowners check will want owners for. */
  protectedPaths: string[];
  next: string[];
}

const JS_EXTENSIONS = '{js,jsx,mjs,cjs}';

/**
 * `finbrain init`: the config, an empty migrations folder and the CI workflow,
 * detected from the repository; never overwrites a file.
 */
export async function init(o: InitOptions = {}): Promise<InitResult> {
  const root = resolve(o.cwd ?? process.cwd(), o.root ?? '.');
  const migrationsDir = normaliseDir(o.migrationsDir ?? 'migrations');
  const owners = o.owners ?? [];
  for (const owner of owners) validateOwner(owner);

  const layout = detectProject(root, migrationsDir);
  await refuseForeignMigrations(root, migrationsDir);
  const ext = layout.language === 'typescript' ? SOURCE_EXTENSIONS : JS_EXTENSIONS;
  const sourceFoldersAssumed = layout.sourceFolders.length === 0 && !layout.rootSourceFiles;
  const folders = sourceFoldersAssumed ? ['src'] : layout.sourceFolders;
  const include = [...folders.map((d) => `${d}/**/*.${ext}`), ...(layout.rootSourceFiles ? [`*.${ext}`] : [])];

  const config = {
    migrationsDir,
    singleWriter: {
      include,
      exclude: SingleWriterSchema.shape.exclude.parse(undefined).map((p) => (p === 'migrations/**' ? `${migrationsDir}/**` : p)),
    },
  };
  const existingCodeowners = CODEOWNERS_LOCATIONS.find((p) => existsSync(resolve(root, p)));
  const protectedPaths = [`${migrationsDir}/`, CONFIG_FILE_NAME, WORKFLOW_FILE, existingCodeowners ?? '.github/CODEOWNERS'];

  const files: PlannedFile[] = [
    { path: CONFIG_FILE_NAME, content: `${JSON.stringify(config, null, 2)}\n`, what: `finbrain's config: ${layout.language === 'typescript' ? 'TypeScript and JavaScript' : 'JavaScript'} sources in ${include.join(', ')}; nothing protected yet` },
    { path: `${migrationsDir}/README.md`, content: renderTemplate('migrations-README.md.tmpl'), what: 'the migrations folder, with no revision yet' },
    { path: WORKFLOW_FILE, content: renderTemplate('finbrain.yml.tmpl', workflowValues(layout)), what: 'CI: check all as SARIF to code scanning, changelog --check, migrate verify' },
    // The embedded database lives in .finbrain/; a .gitignore inside it keeps it out of git without editing yours.
    { path: '.finbrain/.gitignore', content: '# The embedded PGlite database of `finbrain migrate`: never committed.\n*\n', what: 'keeps the embedded database (.finbrain/) out of git' },
  ];
  if (owners.length && !existingCodeowners) {
    const lines = protectedPaths.map((p) => `${codeownersPattern(p)} ${owners.join(' ')}`).join('\n');
    files.push({ path: '.github/CODEOWNERS', content: renderTemplate('CODEOWNERS.tmpl', { lines }), what: `owners (${owners.join(' ')}) for every path finbrain protects` });
  }
  // .finbrain/ may already exist from an earlier `migrate up`; its .gitignore, if any, is left as it is.
  const toWrite = files.filter((f) => !(f.path === '.finbrain/.gitignore' && existsSync(resolve(root, f.path))));
  writeAllOrNothing(root, toWrite, 'finbrain init');

  return {
    root,
    language: layout.language,
    sourceFolders: folders,
    sourceFoldersAssumed,
    include,
    written: toWrite.map(({ path, what }) => ({ path, what })),
    existingCodeowners,
    protectedPaths,
    next: nextSteps({ owners, existingCodeowners, protectedPaths, sourceFoldersAssumed, migrationsDir }),
  };
}

function nextSteps(o: { owners: string[]; existingCodeowners?: string; protectedPaths: string[]; sourceFoldersAssumed: boolean; migrationsDir: string }): string[] {
  const steps: string[] = [];
  if (o.sourceFoldersAssumed) steps.push('No source folder was found, so singleWriter.include assumes src/: edit it in finbrain.config.json if your code lives elsewhere.');
  steps.push('npx finbrain migrate new "create payments"   # write your first revision (fill in its -- migrate:up / -- migrate:down SQL)');
  steps.push("npx finbrain protect payments --writer 'src/payments/**'   # the one module allowed to write that table");
  steps.push('npx finbrain migrate up   # DATABASE_URL, or the embedded database in .finbrain/');
  steps.push(`git add -A && git commit, then: npx finbrain changelog   # CHANGELOG.md from ${o.migrationsDir}/, authors from git (CI runs changelog --check); commit it too`);
  if (o.existingCodeowners) {
    steps.push(`Add owners for ${o.protectedPaths.join(', ')} to ${o.existingCodeowners} (finbrain did not edit it), e.g. \`${codeownersPattern(o.protectedPaths[0]!)} @your-org/your-team\`.`);
  } else if (!o.owners.length) {
    steps.push(`Create .github/CODEOWNERS giving ${o.protectedPaths.join(', ')} an owner (or start again with \`finbrain init --owner @your-org/your-team\`).`);
  }
  steps.push('npx finbrain check all    # then push: .github/workflows/finbrain.yml runs the same checks on every pull request');
  return steps;
}

function workflowValues(layout: ProjectLayout): Record<string, string> {
  const node = `      - uses: actions/setup-node@v4\n        with:\n          node-version: ${layout.nodeMajor}`;
  const install: Record<ProjectLayout['packageManager'], string> = {
    npm: layout.lockfile ? 'npm ci' : 'npm install',
    pnpm: 'corepack enable && pnpm install --frozen-lockfile',
    yarn: `corepack enable && yarn install ${layout.yarnBerry ? '--immutable' : '--frozen-lockfile'}`,
  };
  // setup-node's npm cache needs a lockfile; pnpm and yarn come from corepack, after setup-node.
  const setup = layout.packageManager === 'npm' && layout.lockfile ? `${node}\n          cache: npm` : node;
  return { branch: layout.branch, setup, install: install[layout.packageManager] };
}

function normaliseDir(dir: string): string {
  const d = dir.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (!d || d.startsWith('/') || d.split('/').includes('..')) {
    throw new UsageError(`--migrations-dir must be a folder inside the project, got "${dir}"`, { hint: 'e.g. --migrations-dir db/migrations' });
  }
  return d;
}

/** The codeowners parser is the judge of what GitHub accepts as an owner. */
function validateOwner(owner: string): void {
  const { issues } = parseCodeowners(`/x ${owner}`);
  if (issues.length || /\s/.test(owner)) {
    throw new UsageError(`--owner "${owner}" is not an owner GitHub accepts`, { hint: 'Write owners as @user, @org/team or name@example.com; nothing was written.' });
  }
}

/**
 * A migrations folder another tool already uses (knex, TypeORM, …) holds files
 * finbrain would read as revisions and reject: every `migrate` command would
 * then exit 2. Say so now and point at another folder.
 */
async function refuseForeignMigrations(root: string, migrationsDir: string): Promise<void> {
  const dir = resolve(root, migrationsDir);
  if (!existsSync(dir)) return;
  try {
    await readRevisionFiles(dir, root);
  } catch (e) {
    if (!isFinbrainError(e)) throw e;
    throw new UsageError(`${migrationsDir}/ already holds files that are not finbrain revisions (${e.files?.join(', ') ?? e.message}); nothing was written`, {
      files: e.files,
      hint: `Keep them where they are and give finbrain its own folder: finbrain init --migrations-dir db/finbrain-migrations (or move them).`,
      cause: e,
    });
  }
}
