import { describe, expect, it } from 'vitest';
import { detectSecrets } from '../../src/security/detect.js';
import { lineLooksSafe } from '../../src/security/line-safety.js';
import { maskLine } from '../../src/security/mask-secret.js';
import { AllowList, maskSpans, secretFindings } from '../../src/security/secret-findings.js';
import { TextLines } from '../../src/security/text-lines.js';
import { leakedWindow, rand } from './planted.js';

/** The security check's own frames, without the runner's guard behind them. */
async function frames(text: string, path = 'src/x.ts') {
  const lines = new TextLines(text);
  const r = secretFindings(path, lines, await detectSecrets(text, path), new AllowList([]));
  return r.findings.map((f) => ({ line: f.line, detector: f.detector, frame: f.snippet?.lines ?? null }));
}

describe('masking in the findings the security check builds', () => {
  it('masks both secrets of a line in both frames', async () => {
    const gh = `ghp_${rand(36)}`;
    const stripe = `sk_live_${rand(32)}`;
    const out = await frames(`const a = '${gh}', b = '${stripe}';\n`);
    const frame = ["const a = 'gh****(40 chars)', b = 'sk****(40 chars)';"];
    expect(out).toEqual([
      { line: 1, detector: 'secretlint/github', frame },
      { line: 1, detector: 'finbrain/stripe-key', frame },
    ]);
  });

  it('masks each piece of a line-split secret without printing a second prefix', async () => {
    const stripe = `sk_live_${rand(32)}`;
    const text = `const key =\n  '${stripe.slice(0, 20)}' +\n  '${stripe.slice(20)}';\n`;
    expect(await frames(text)).toEqual([{ line: 2, detector: 'finbrain/stripe-key', frame: ["  'sk****(20 chars)' +"] }]);
    // The second piece is masked without a prefix wherever another frame shows it.
    const lines = new TextLines(text);
    const spans = maskSpans(await detectSecrets(text));
    expect(maskLine(lines.line(3), lines.starts[2]!, spans)).toBe("  '****';");
  });

  it('shows the location but not the line when something else on it looks like a token', async () => {
    const gh = `ghp_${rand(36)}`;
    const unknown = `key-${rand(32, '0123456789abcdef')}`;
    const out = await frames(`export const k = { gh: '${gh}', mailgun: '${unknown}' };\n`);
    expect(out).toEqual([{ line: 1, detector: 'secretlint/github', frame: null }]);
  });

  it('masks the secret and nothing else: a URL keeps its user, host, port and database', async () => {
    const pw = `${rand(5)}@${rand(4)}/${rand(3)}:${rand(4)}`;
    const out = await frames(`url: postgres://svc:${pw}@db.internal:5432/app?sslmode=require\n`, 'config/app.yml');
    expect(out).toEqual([{ line: 1, detector: 'finbrain/postgres-url-password', frame: ['url: postgres://svc:' + pw.slice(0, 2) + '****(19 chars)@db.internal:5432/app?sslmode=require'] }]);
  });

  it('the line-safety check: ordinary code passes, tokens do not, masks are not tokens', () => {
    expect(lineLooksSafe("export const pool = new Pool({ connectionString: process.env.DATABASE_URL });")).toBe(true);
    expect(lineLooksSafe('PGPASSWORD=4m****(16 chars) pg_restore -h db.internal -U app dump.sql')).toBe(true);
    expect(lineLooksSafe(`const t = '${rand(20)}1';`)).toBe(false);
    expect(lineLooksSafe(`const t = '${rand(40, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')}';`)).toBe(false);
  });

  it('an 8-character window check catches a leak (the check itself can fail)', () => {
    const secret = `ghp_${rand(36)}`;
    expect(leakedWindow(`token: ${secret.slice(10, 18)}`, secret)).toBe(secret.slice(10, 18));
    expect(leakedWindow(`token: ${secret.slice(0, 4)}****`, secret)).toBeUndefined();
  });
});
