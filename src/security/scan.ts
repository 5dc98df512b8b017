import type { FinbrainConfig } from '../config/schema.js';
import type { ProjectFiles } from '../check-runner/project-files.js';
import type { Finding } from '../findings/finding.js';
import type { ModuleIndex } from '../ts-analysis/module-index.js';
import { globMatcher, listSourceFiles } from '../ts-analysis/source-files.js';
import { dangerousCodeFindings } from './dangerous-code.js';
import { envFileFindings, isEnvFile } from './env-files.js';
import { scanSecrets } from './secrets.js';

export interface SecurityScanOptions {
  root: string;
  config: FinbrainConfig;
  files: ProjectFiles;
  index: () => Promise<ModuleIndex>;
  warn: (m: string) => void;
}

export interface SecurityScanResult {
  findings: Finding[];
  stats: { files: number; skipped: number; allowed: number; codeFiles: number };
}

const CODE = /\.(ts|tsx|mts|cts)$/;

/** `// finbrain-ignore <rule>: <reason>` on the line or the line before; the reason is required. */
export function isSuppressed(lines: string[], line: number, ruleId: string): boolean {
  for (const l of [lines[line - 1], lines[line - 2]]) {
    const m = l && /finbrain-ignore\s+([\w/-]+)\s*:\s*(\S.{2,})/.exec(l);
    if (m && m[1] === ruleId) return true;
  }
  return false;
}

/** What git tracks (as a fresh clone sees it) plus what is staged. */
async function scope(o: SecurityScanOptions): Promise<string[]> {
  const tracked = await o.files.gitTracked();
  if (!tracked) {
    o.warn(`${o.root} is not a git work tree: scanning every file except node_modules, dist and .git instead of what git tracks.`);
    return listSourceFiles(o.root, ['**/*'], []);
  }
  const staged = o.config.checks.security.includeStaged ? await o.files.gitStaged() : [];
  return [...new Set([...tracked, ...staged])].sort();
}

export async function scanSecurity(o: SecurityScanOptions): Promise<SecurityScanResult> {
  const cfg = o.config.checks.security;
  const files = await scope(o);
  const findings: Finding[] = [];
  const stats = { files: 0, skipped: 0, allowed: 0, codeFiles: 0 };
  const sw = o.config.singleWriter;
  const include = globMatcher(sw.include);
  const exclude = globMatcher(sw.exclude.filter((g) => !/test/.test(g)));
  for (const rel of files) {
    const text = o.files.readSync(rel);
    if (isEnvFile(rel)) findings.push(...envFileFindings(rel, text, cfg.envTemplates));
    if (text === undefined || text.length > cfg.maxFileBytes || text.includes('\u0000')) {
      stats.skipped++;
      continue;
    }
    stats.files++;
    const secrets = await scanSecrets(rel, text, cfg.allow);
    findings.push(...secrets.findings);
    stats.allowed += secrets.allowed;
    if (CODE.test(rel) && include(rel) && !exclude(rel)) {
      const index = await o.index();
      const mod = index.get(rel);
      if (mod) {
        stats.codeFiles++;
        const lines = text.split('\n');
        for (const f of dangerousCodeFindings(mod, index)) {
          if (isSuppressed(lines, f.line, f.ruleId)) stats.allowed++;
          else findings.push(f);
        }
      }
    }
  }
  return { findings, stats };
}
