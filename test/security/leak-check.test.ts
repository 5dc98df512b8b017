import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sarifValidator } from '../helpers/sarif.js';
import { leakedWindow, leakTargets, plantedRepo, type PlantedRepo } from './planted.js';

/**
 * The attacker's test: run every output path over the planted repository and
 * look for any 8-character window of any planted secret (a 4-character
 * prefix may be shown; 8 consecutive characters of a secret may not).
 */
function expectNoLeak(repo: PlantedRepo, output: string, what: string): void {
  for (const secret of leakTargets(repo.secrets)) {
    const window = leakedWindow(output, secret);
    expect(window, `${what} prints "${window}" of a planted secret`).toBeUndefined();
  }
}

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

/** The binary logo's not-scanned note, as each format writes it. */
const NOTE: Record<(typeof FORMATS)[number], RegExp> = {
  text: /assets\/logo\.png\n {2}1:1 {2}note {2}binary \(a NUL byte at offset 8\): not scanned for secrets {2}security\/not-scanned/,
  json: /"ruleId": "security\/not-scanned",\n\s+"severity": "note",\n\s+"file": "assets\/logo\.png"/,
  sarif: /"ruleId": "security\/not-scanned",\n\s+"ruleIndex": \d+,\n\s+"level": "note",\n\s+"message": \{\n\s+"text": "binary \(a NUL byte at offset 8\): not scanned for secrets/,
  github: /::notice file=assets\/logo\.png,line=1,col=1,title=security\/not-scanned::binary \(a NUL byte at offset 8\): not scanned for secrets/,
};

describe('no output prints a secret', () => {
  // One planted repository for the file: the checks only read it (reports go to untracked files).
  let repo: PlantedRepo;
  beforeAll(() => {
    repo = plantedRepo();
  });

  const cases = [[], ['--history']].flatMap((extra) => FORMATS.map((format) => ({ extra, format, what: `check security ${[...extra, '--format', format].join(' ')}` })));

  it.each(cases)('$what, to stdout and to --output', async ({ extra, format, what }) => {
    const r = await runCli(['check', 'security', '--format', format, ...extra], { cwd: repo.dir });
    expect(r.code, `${what}: ${r.stderr}`).toBe(1);
    // The output is there: findings, with their masks.
    expect(r.stdout.length, what).toBeGreaterThan(2000);
    expect(r.stdout, what).toContain('gh****(40 chars)');
    // What could not be read is said in every format, as a note.
    expect(r.stdout, what).toMatch(NOTE[format]);
    expectNoLeak(repo, r.stdout + r.stderr, what);

    const file = `report-${format}-${extra.length}.out`;
    const o = await runCli(['check', 'security', '--format', format, '--output', file, ...extra], { cwd: repo.dir });
    expect(o.code).toBe(1);
    const written = readFileSync(join(repo.dir, file), 'utf8');
    expect(written.length, `${what} --output`).toBeGreaterThan(2000);
    expectNoLeak(repo, written + o.stdout + o.stderr, `${what} --output`);
    if (format === 'sarif') {
      const validate = sarifValidator();
      expect(validate(JSON.parse(written)), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('check all: the frames of other checks (a protected write, an injection) on lines that hold secrets are masked too', async () => {
    for (const format of FORMATS) {
      const r = await runCli(['check', 'all', '--format', format, '--output', `all.${format}`], { cwd: repo.dir });
      expect(r.code, r.stderr).toBe(1);
      const written = readFileSync(join(repo.dir, `all.${format}`), 'utf8');
      expectNoLeak(repo, written + r.stdout + r.stderr, `check all --format ${format}`);
    }
    const text = (await runCli(['check', 'all'], { cwd: repo.dir })).stdout;
    expectNoLeak(repo, text, 'check all');
    // The single-writer finding on the line with a Stripe key is still reported, its frame masked.
    expect(text).toMatch(/DELETE from protected table expenses/);
    expect(text).toMatch(/> 3 \| export const purge = \(\) => pool\.query\('DELETE FROM expenses'\); export const stripe2 = 'sk\*\*\*\*\(40 chars\)';/);
    const sarif = JSON.parse(readFileSync(join(repo.dir, 'all.sarif'), 'utf8'));
    expect(sarif.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id)).toEqual(expect.arrayContaining(['finbrain/single-writer/', 'finbrain/security/']));
  });

  it('masks every secret on a shown line, hides a line that still holds a token, and leaves other text exactly as it was', async () => {
    const text = (await runCli(['check', 'security'], { cwd: repo.dir })).stdout;
    // Two secrets on one line: both masked in both frames.
    const pairFrames = text.split('\n').filter((l) => l.includes('export const pair'));
    expect(pairFrames).toEqual(Array(2).fill("  > 1 | export const pair = ['gh****(40 chars)', 'np****(40 chars)'];"));
    // A detected token next to one no rule knows: the line is not printed, its location is.
    expect(text).toMatch(/src\/mixed\.ts\n {2}1:28 {2}error {2}GitHub token: gh\*\*\*\*\(40 chars\)/);
    expect(text).not.toMatch(/export const keys/);
    // Masking changes the secret and nothing else on the line.
    expect(text).toContain("  > 2 |   primary: postgres://app:");
    expect(text).toMatch(/@db\.internal:5432\/app\n/);
    expect(text).toContain('> 1 | -----BEGIN RSA PRIVATE KEY-----');
  });
});
