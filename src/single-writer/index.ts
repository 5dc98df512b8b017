/**
 * The single-writer analyzer, and the pieces other checks reuse:
 * - `SinkFinder.sinkAt(node, module)`: is this call or tagged template a
 *   database sink, and what SQL (or builder table) reaches it;
 * - `foldExpression(expr, module, index)`: constant folding of SQL text, with
 *   placeholders for dynamic parts (`constant` says whether any were needed);
 * - `ModuleIndex`: syntax-level modules with import/export following.
 */
export { analyzeSingleWriter, type SingleWriterOptions, type SingleWriterResult } from './analyze.js';
export { SinkFinder, type Sink } from './sinks.js';
export { foldExpression, isSqlShaped, type FoldedText } from '../ts-analysis/fold.js';
export { ModuleIndex, type ModuleInfo } from '../ts-analysis/module-index.js';
export { SINGLE_WRITER_RULES, PROTECTED_WRITE, UNVERIFIABLE_SQL } from './rules.js';
export { COVERAGE_RULES, nothingProtected, noSourceFiles } from './coverage-findings.js';
export { listSourceFiles, globMatcher } from '../ts-analysis/source-files.js';
