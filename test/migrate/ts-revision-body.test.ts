import { describe, expect, it } from 'vitest';
import { readTsRevisionBody } from '../../src/revisions/ts-revision-body.js';
import { TsSyntaxProblem, tokenize } from '../../src/revisions/ts-tokens.js';

const sqlOf = (src: string, fn: 'up' | 'down') => readTsRevisionBody(src)[fn]?.staticSql?.sql;

describe('the one TS revision body reader', () => {
  it('finds up and down however the module exports them', () => {
    const forms = [
      "export async function up(ctx: MigrationContext): Promise<void> { await ctx.query('SELECT 1'); }\nexport async function down(ctx) { await ctx.query('SELECT 2'); }",
      "export const up = async (ctx: MigrationContext): Promise<void> => { await ctx.query('SELECT 1'); };\nexport const down = async function (ctx) { await ctx.query('SELECT 2'); };",
      "export const up = (ctx) => ctx.query('SELECT 1');\nexport const down = ctx => ctx.query('SELECT 2');",
      "async function up(ctx) { await ctx.query('SELECT 1'); }\nconst down = async (ctx) => { await ctx.query('SELECT 2'); };\nexport { up, down };",
      "async function apply(ctx) { await ctx.query('SELECT 1'); }\nasync function revert(ctx) { await ctx.query('SELECT 2'); }\nexport { apply as up, revert as down };",
      "export default {\n  async up(ctx) { await ctx.query('SELECT 1'); },\n  down: async (ctx) => { await ctx.query('SELECT 2'); },\n};",
      "async function up(ctx) { await ctx.query('SELECT 1'); }\nasync function down(ctx) { await ctx.query('SELECT 2'); }\nexport default { up, down };",
    ];
    for (const src of forms) {
      expect([sqlOf(src, 'up'), sqlOf(src, 'down')], src).toEqual(['SELECT 1;', 'SELECT 2;']);
    }
  });

  it('keeps the down out of the up with `export { up, down }` (confirmed bug)', () => {
    const src = "async function up(ctx) {\n  await ctx.query('CREATE TABLE a (id int)');\n}\n\nasync function down(ctx) {\n  await ctx.query('DROP TABLE a');\n}\n\nexport { up, down };\n";
    expect(sqlOf(src, 'up')).toBe('CREATE TABLE a (id int);');
    expect(sqlOf(src, 'down')).toBe('DROP TABLE a;');
  });

  it('reads a `//`, a `/*`, quotes and braces inside string literals and templates (confirmed bug)', () => {
    const src = [
      'export async function up(ctx) {',
      "  await ctx.query(\"INSERT INTO links VALUES ('https://example.com/a') -- not a comment for TS\");",
      "  await ctx.query('SELECT \\'}\\' /* nor this */');",
      '  await ctx.query(`SELECT \'{\' AS brace`); // a real comment: query(`DROP TABLE x`)',
      '  /* query("DROP TABLE y") */',
      '}',
    ].join('\n');
    expect(sqlOf(src, 'up')).toBe("INSERT INTO links VALUES ('https://example.com/a') -- not a comment for TS;\nSELECT '}' /* nor this */;\nSELECT '{' AS brace;");
  });

  it('says the SQL is unknowable when one call passes anything but a literal', () => {
    expect(sqlOf("export async function up(ctx) { await ctx.query('SELECT 1'); await ctx.query(`CREATE TABLE ${name} (id int)`); }", 'up')).toBeUndefined();
    expect(sqlOf('export async function up(ctx) { const sql = "SELECT 1"; await ctx.query(sql); }', 'up')).toBeUndefined();
    expect(readTsRevisionBody("export { up } from './elsewhere';").up).toEqual({ line: 1, empty: false, staticSql: null });
  });

  it('tells an empty function from one with code, and a missing down from an empty one', () => {
    const r = readTsRevisionBody('export async function up(ctx) {\n  // not written yet\n}\nexport async function down(ctx) { /* nothing */ }\n');
    expect(r.up).toMatchObject({ empty: true, line: 1 });
    expect(r.down).toMatchObject({ empty: true });
    expect(readTsRevisionBody("export async function up(ctx) { await ctx.query('SELECT 1'); }").down).toBeUndefined();
  });

  it('does not mistake a regular expression literal with a quote for a string', () => {
    const src = "const re = /'[a-z]+/g;\nexport async function up(ctx) { if (re.test('x')) await ctx.query('SELECT 1'); }\n";
    expect(sqlOf(src, 'up')).toBe('SELECT 1;');
  });

  it('reports the line of each query literal for the lint', () => {
    const src = "export async function up(ctx) {\n  await ctx.query('SELECT 1');\n  await ctx.query(`\n    SELECT 2`);\n}\n";
    expect(readTsRevisionBody(src).up!.staticSql!.parts.map((p) => p.line)).toEqual([2, 4]);
  });

  it('refuses an unterminated literal with its offset', () => {
    expect(() => tokenize("export async function up(ctx) { await ctx.query('SELECT 1); }")).toThrow(TsSyntaxProblem);
    expect(() => tokenize('const a = `x ${ y ')).toThrow(/unterminated/);
  });
});
