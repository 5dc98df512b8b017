import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl, maskSecrets } from '../../src/masking/mask-passwords.js';
import { initSqlParser, splitStatements } from '../../src/sql/index.js';
import { runCli } from '../helpers/cli.js';
import { sqlRevision } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';

/* finbrain-ignore-secret: every password in this file is made up to prove masking */

describe('maskSecrets replaces the secret and nothing else', () => {
  it.each([
    ["password=changeme'", "password=****'"],
    ["SELECT 'host=db password=changeme';", "SELECT 'host=db password=****';"],
    ["conninfo 'password=''s3cret'''", "conninfo 'password=''****'''"],
    ["host=db password='se cret' user=app", "host=db password='****' user=app"],
    ['host=db password="se cret" user=app', 'host=db password="****" user=app'],
    ["password='it\\'s' next", "password='****' next"],
    ['postgres://app:hunter2@db:5432/app?sslmode=require', 'postgres://app:****@db:5432/app?sslmode=require'],
    ['postgres://db/app?user=x&password=hunter2&sslmode=require', 'postgres://db/app?user=x&password=****&sslmode=require'],
    ['PGPASSWORD=x pwd = abc; next', 'PGPASSWORD=x pwd = ****; next'],
    ['no secret here: password is a word, passwords=, a=b', 'no secret here: password is a word, passwords=, a=b'],
  ])('%s', (input, masked) => {
    expect(maskSecrets(input)).toBe(masked);
    expect(maskSecrets(masked)).toBe(masked);
  });

  it('keeps JSON valid: a quote after the secret is never eaten', () => {
    const doc = { summary: "rotate password=changeme' now", url: 'postgres://u:p@h/d', q: 'password="x y"', list: ['password=abc', "password='a\"b'"] };
    const masked = maskSecrets(JSON.stringify(doc, null, 2));
    const back = JSON.parse(masked);
    expect(back).toEqual({ summary: "rotate password=****' now", url: 'postgres://u:****@h/d', q: 'password="****"', list: ['password=****', "password='****'"] });
    expect(masked).not.toMatch(/changeme|abc|x y/);
  });

  it('keeps SQL valid', async () => {
    await initSqlParser();
    const sql = "INSERT INTO settings VALUES ('dsn', 'host=db password=changeme'), ('url', 'postgres://app:s3cret@db/app');";
    const masked = maskSecrets(sql);
    expect(masked).toBe("INSERT INTO settings VALUES ('dsn', 'host=db password=****'), ('url', 'postgres://app:****@db/app');");
    expect(splitStatements(masked)).toHaveLength(1);
  });

  it('leaves a value the secret scan already masked as it is (no `**** chars)` debris)', () => {
    const frame = '  > 3 |   replica: postgresql://db/app?sslmode=require&password=wO****(18 chars)';
    expect(maskSecrets(frame)).toBe(frame);
    // A real password that merely contains asterisks is still masked.
    expect(maskSecrets('password=ab****(7')).toBe('password=****');
  });

  it('describes a database URL without its password', () => {
    expect(describeDatabaseUrl('postgres://app:hunter2@db:5432/app?password=x')).toBe('postgres://app:****@db:5432/app');
  });
});

describe('masked CLI output stays valid JSON and SQL', () => {
  const files = {
    'migrations/a1_x.sql': sqlRevision({
      id: 'a1',
      summary: "store the dsn password=changeme' for the importer",
      author: 'x',
      up: "CREATE TABLE cfg (k text, v text);\nINSERT INTO cfg VALUES ('dsn', 'host=db password=changeme');",
      down: 'DROP TABLE cfg;',
    }),
  };

  it('history --json and changelog --json parse, with only the secret replaced', async () => {
    const dir = makeTree(files);
    for (const args of [['migrate', 'history', '--json'], ['changelog', '--json']]) {
      const r = await runCli(args, { cwd: dir, env: { DATABASE_URL: undefined } });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      const summary = JSON.parse(r.stdout).revisions[0].summary;
      expect(summary).toBe("store the dsn password=****' for the importer");
      expect(r.stdout).not.toContain('changeme');
    }
  });

  it('up --sql --offline prints SQL that still parses', async () => {
    const dir = makeTree(files);
    const r = await runCli(['migrate', 'up', '--sql', '--offline'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("INSERT INTO cfg VALUES ('dsn', 'host=db password=****');");
    expect(r.stdout).not.toContain('changeme');
    await initSqlParser();
    expect(splitStatements(r.stdout).map((s) => s.kind)).toContain('InsertStmt');
  });
});
