import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSecrets, keywordsIn, rulesFor } from '../../src/security/detect.js';
import { SECRET_RULES } from '../../src/security/rule-catalog.js';
import { decodeBytes } from '../../src/security/file-content.js';
import { git } from '../helpers/tmp.js';
import { plantedRepo } from './planted.js';

describe('the keyword prefilter', () => {
  it('never changes what is found: every planted file gives the same detections with every rule on every text', async () => {
    const repo = plantedRepo();
    const files = git(repo.dir, ['ls-files']).trim().split('\n');
    let compared = 0;
    for (const rel of files) {
      const content = decodeBytes(readFileSync(join(repo.dir, rel)));
      if (content.kind !== 'text') continue;
      // One regex pass finds exactly the keywords a scan per keyword finds.
      const lower = content.text.toLowerCase();
      expect([...keywordsIn(content.text)].sort(), rel).toEqual([...new Set(SECRET_RULES.flatMap((r) => r.keywords))].filter((k) => lower.includes(k)).sort());
      const prefiltered = await detectSecrets(content.text, rel);
      const everyRule = await detectSecrets(content.text, rel, { allRules: true });
      expect(prefiltered, rel).toEqual(everyRule);
      compared += prefiltered.length;
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('runs no rule on a text that holds none of their keywords, and only the matching ones otherwise', () => {
    expect(rulesFor('export const add = (a: number, b: number) => a + b;\n').filter((r) => r.creator.meta.type === 'scanner')).toEqual([]);
    const ids = rulesFor("const url = 'postgres://app@localhost/app';").map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['finbrain/postgres-url-password', '@secretlint/secretlint-rule-database-connection-string']));
    expect(ids).not.toContain('@secretlint/secretlint-rule-github');
  });
});
