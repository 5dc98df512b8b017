import { createRequire } from 'node:module';

/**
 * The TypeScript compiler API as ts-morph bundles it (@ts-morph/common), loaded
 * with require: importing ts-morph's ESM-wrapped main module would also compile
 * ts-morph's own wrapper layer and run the CJS export lexer over it, which
 * costs more than parsing a small project. We only need `createSourceFile` and
 * `forEachChild` over compiler nodes.
 */
const requireFromHere = createRequire(import.meta.url);
const requireFromTsMorph = createRequire(requireFromHere.resolve('ts-morph'));
const common = requireFromTsMorph('@ts-morph/common') as { ts: typeof import('ts-morph').ts };

export const ts = common.ts;
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace ts {
  type Node = import('ts-morph').ts.Node;
  type SourceFile = import('ts-morph').ts.SourceFile;
  type Expression = import('ts-morph').ts.Expression;
  type VariableDeclaration = import('ts-morph').ts.VariableDeclaration;
  type ParameterDeclaration = import('ts-morph').ts.ParameterDeclaration;
  type TemplateLiteral = import('ts-morph').ts.TemplateLiteral;
  type Identifier = import('ts-morph').ts.Identifier;
  type PropertyAssignment = import('ts-morph').ts.PropertyAssignment;
  type NodeArray<T extends Node> = import('ts-morph').ts.NodeArray<T>;
  type ScriptKind = import('ts-morph').ts.ScriptKind;
}
