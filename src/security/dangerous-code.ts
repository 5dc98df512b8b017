import type { Finding } from '../findings/finding.js';
import { foldExpression } from '../ts-analysis/fold.js';
import type { ModuleIndex, ModuleInfo } from '../ts-analysis/module-index.js';
import { SinkFinder } from '../single-writer/sinks.js';
import { ts } from '../ts-analysis/typescript.js';

/**
 * Dangerous patterns in TypeScript, found with the single-writer analyzer's
 * sink detection and constant folding (one machinery, not two).
 */
const SHELL_ALWAYS = new Set(['exec', 'execSync']);
const SHELL_OPTIONAL = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync']);

function at(mod: ModuleInfo, node: ts.Node) {
  const sf = mod.sourceFile;
  const pos = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const lines = sf.text.split('\n');
  return { file: mod.relPath, line: pos.line + 1, column: pos.character + 1, snippet: { startLine: pos.line + 1, lines: [lines[pos.line] ?? ''] } };
}

function hasShellTrue(options: ts.Expression | undefined): boolean {
  return Boolean(
    options &&
      ts.isObjectLiteralExpression(options) &&
      options.properties.some((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'shell' && p.initializer.kind !== ts.SyntaxKind.FalseKeyword),
  );
}

export function dangerousCodeFindings(mod: ModuleInfo, index: ModuleIndex): Finding[] {
  const finder = new SinkFinder(index, { wrappers: new Set() });
  const out: Finding[] = [];
  const childProcess = new Map<string, string>();
  for (const [local, b] of mod.imports) if (b.specifier === 'child_process' || b.specifier === 'node:child_process') childProcess.set(local, b.imported);

  const cpFunction = (callee: ts.Expression): string | undefined => {
    if (ts.isIdentifier(callee)) {
      const imported = childProcess.get(callee.text);
      return imported && imported !== '*' && imported !== 'default' ? imported : undefined;
    }
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const ns = childProcess.get(callee.expression.text);
      return ns === '*' || ns === 'default' ? callee.name.text : undefined;
    }
    return undefined;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isTaggedTemplateExpression(node)) {
      const sink = finder.sinkAt(node, mod);
      if (sink?.kind === 'sql' && !ts.isTaggedTemplateExpression(node) && !sink.sql.constant && !sink.sql.unknown) {
        out.push({
          ruleId: 'security/sql-injection',
          severity: 'error',
          ...at(mod, node),
          message: `SQL passed to ${sink.via} is built from a non-constant value (concatenation or interpolation)`,
          hint: 'Pass values as parameters ($1, $2 …) and pick identifiers from a fixed list.',
        });
      }
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee) && (callee.text === 'eval' || callee.text === 'Function')) {
        out.push({ ruleId: 'security/eval', severity: 'error', ...at(mod, node), message: `${callee.text}() runs a string as code`, hint: 'Remove it; use JSON.parse or a lookup table.' });
      }
      const fn = cpFunction(callee);
      if (fn && (SHELL_ALWAYS.has(fn) || (SHELL_OPTIONAL.has(fn) && hasShellTrue(node.arguments[fn.startsWith('exec') ? 2 : 1] ?? node.arguments[1])))) {
        const cmd = node.arguments[0] ? foldExpression(node.arguments[0], mod, index) : undefined;
        if (cmd && !cmd.constant) {
          out.push({
            ruleId: 'security/shell-injection',
            severity: 'error',
            ...at(mod, node),
            message: `child_process ${fn}() runs a shell with a command built from a non-constant value`,
            hint: 'Use execFile/spawn without a shell and pass arguments as an array.',
          });
        }
      }
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Function') {
      out.push({ ruleId: 'security/eval', severity: 'error', ...at(mod, node), message: 'new Function() runs a string as code', hint: 'Remove it; use a lookup table.' });
    }
    ts.forEachChild(node, visit);
  };
  visit(mod.sourceFile);
  return out;
}
