import { createHash } from 'node:crypto';
import { sortFindings, type CheckRun, type Finding } from '../findings/finding.js';

export interface SarifOptions {
  toolVersion: string;
  informationUri?: string;
}

const LEVEL = { error: 'error', warning: 'warning', note: 'note' } as const;

/**
 * GitHub deduplicates alerts by primaryLocationLineHash; the REST upload does
 * not compute it. Hash the rule, file and the trimmed source line (not the line
 * number) so an alert survives unrelated edits above it.
 */
function fingerprint(f: Finding, occurrence: number): string {
  const lineText = f.snippet?.lines[f.line - f.snippet.startLine]?.trim() ?? f.message;
  const h = createHash('sha256').update(`${f.ruleId}\0${f.file}\0${lineText}`).digest('hex').slice(0, 16);
  return `${h}:${occurrence}`;
}

function sarifRun(run: CheckRun, options: SarifOptions) {
  const ruleIndex = new Map(run.rules.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = sortFindings(run.findings).map((f) => {
    const base = fingerprint(f, 0).split(':')[0]!;
    const occurrence = (seen.get(base) ?? 0) + 1;
    seen.set(base, occurrence);
    const { ruleId, severity, file, line, column, message, hint, snippet: _s, ...extra } = f;
    return {
      ruleId,
      ...(ruleIndex.has(ruleId) ? { ruleIndex: ruleIndex.get(ruleId) } : {}),
      level: LEVEL[severity],
      message: { text: hint ? `${message}\nFix: ${hint}` : message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' },
            region: { startLine: Math.max(1, line), startColumn: Math.max(1, column) },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: `${base}:${occurrence}` },
      ...(Object.keys(extra).length ? { properties: extra } : {}),
    };
  });
  return {
    tool: {
      driver: {
        name: 'finbrain',
        version: options.toolVersion,
        semanticVersion: options.toolVersion,
        informationUri: options.informationUri ?? 'https://github.com/finbrain/finbrain',
        rules: run.rules.map((r) => ({
          id: r.id,
          name: r.id.replace(/[^A-Za-z0-9]+(.)/g, (_m, ch: string) => ch.toUpperCase()),
          shortDescription: { text: r.shortDescription },
          fullDescription: { text: r.fullDescription },
          help: { text: r.help },
          ...(r.helpUri ? { helpUri: r.helpUri } : {}),
          defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
        })),
      },
    },
    automationDetails: { id: `finbrain/${run.checkId}/` },
    originalUriBaseIds: { '%SRCROOT%': { uri: 'file:///' } },
    columnKind: 'utf16CodeUnits',
    results,
  };
}

/** One SARIF 2.1.0 log with one run per check, each with its own category. */
export function renderSarif(runs: CheckRun[], options: SarifOptions): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: runs.map((r) => sarifRun(r, options)),
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
