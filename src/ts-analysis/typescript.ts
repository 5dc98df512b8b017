import { createRequire } from 'node:module';

/**
 * The TypeScript compiler API as ts-morph bundles it (@ts-morph/common), loaded
 * with require: importing ts-morph's ESM-wrapped main module would also compile
 * ts-morph's own wrapper layer and run the CJS export lexer over it, which
 * costs more than parsing a small project. We use the parser, the config
 * reader and the module resolver; never the type checker.
 */
const requireFromHere = createRequire(import.meta.url);
const requireFromTsMorph = createRequire(requireFromHere.resolve('ts-morph'));
const common = requireFromTsMorph('@ts-morph/common') as { ts: typeof import('ts-morph').ts };

export const ts = common.ts;
type T = typeof import('ts-morph').ts;
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace ts {
  type Node = import('ts-morph').ts.Node;
  type SourceFile = import('ts-morph').ts.SourceFile;
  type Expression = import('ts-morph').ts.Expression;
  type Statement = import('ts-morph').ts.Statement;
  type VariableDeclaration = import('ts-morph').ts.VariableDeclaration;
  type ParameterDeclaration = import('ts-morph').ts.ParameterDeclaration;
  type TemplateLiteral = import('ts-morph').ts.TemplateLiteral;
  type Identifier = import('ts-morph').ts.Identifier;
  type PropertyAssignment = import('ts-morph').ts.PropertyAssignment;
  type ObjectLiteralExpression = import('ts-morph').ts.ObjectLiteralExpression;
  type CallExpression = import('ts-morph').ts.CallExpression;
  type NewExpression = import('ts-morph').ts.NewExpression;
  type TaggedTemplateExpression = import('ts-morph').ts.TaggedTemplateExpression;
  type PropertyAccessExpression = import('ts-morph').ts.PropertyAccessExpression;
  type BindingName = import('ts-morph').ts.BindingName;
  type TypeNode = import('ts-morph').ts.TypeNode;
  type ClassLikeDeclaration = import('ts-morph').ts.ClassLikeDeclaration;
  type FunctionLikeDeclaration = import('ts-morph').ts.FunctionLikeDeclaration;
  type SignatureDeclaration = import('ts-morph').ts.SignatureDeclaration;
  type Decorator = import('ts-morph').ts.Decorator;
  type EnumDeclaration = import('ts-morph').ts.EnumDeclaration;
  type TypeAliasDeclaration = import('ts-morph').ts.TypeAliasDeclaration;
  type EntityName = import('ts-morph').ts.EntityName;
  type StringLiteral = import('ts-morph').ts.StringLiteral;
  type PropertyName = import('ts-morph').ts.PropertyName;
  type BinaryExpression = import('ts-morph').ts.BinaryExpression;
  type ArrowFunction = import('ts-morph').ts.ArrowFunction;
  type FunctionExpression = import('ts-morph').ts.FunctionExpression;
  type Block = import('ts-morph').ts.Block;
  type ClassDeclaration = import('ts-morph').ts.ClassDeclaration;
  type ArrayLiteralExpression = import('ts-morph').ts.ArrayLiteralExpression;
  type ElementAccessExpression = import('ts-morph').ts.ElementAccessExpression;
  type MethodDeclaration = import('ts-morph').ts.MethodDeclaration;
  type GetAccessorDeclaration = import('ts-morph').ts.GetAccessorDeclaration;
  type HasModifiers = import('ts-morph').ts.HasModifiers;
  type PropertyDeclaration = import('ts-morph').ts.PropertyDeclaration;
  type HeritageClause = import('ts-morph').ts.HeritageClause;
  type ExpressionWithTypeArguments = import('ts-morph').ts.ExpressionWithTypeArguments;
  type TypeReferenceNode = import('ts-morph').ts.TypeReferenceNode;
  type VariableDeclarationList = import('ts-morph').ts.VariableDeclarationList;
  type ImportDeclaration = import('ts-morph').ts.ImportDeclaration;
  type ImportEqualsDeclaration = import('ts-morph').ts.ImportEqualsDeclaration;
  type VariableStatement = import('ts-morph').ts.VariableStatement;
  type FunctionDeclaration = import('ts-morph').ts.FunctionDeclaration;
  type ModuleDeclaration = import('ts-morph').ts.ModuleDeclaration;
  type ForStatement = import('ts-morph').ts.ForStatement;
  type ForInStatement = import('ts-morph').ts.ForInStatement;
  type ForOfStatement = import('ts-morph').ts.ForOfStatement;
  type CatchClause = import('ts-morph').ts.CatchClause;
  type ArrayBindingPattern = import('ts-morph').ts.ArrayBindingPattern;
  type SyntaxKind = import('ts-morph').ts.SyntaxKind;
  type CaseBlock = import('ts-morph').ts.CaseBlock;
  type NodeArray<N extends Node> = import('ts-morph').ts.NodeArray<N>;
  type ScriptKind = import('ts-morph').ts.ScriptKind;
  type CompilerOptions = import('ts-morph').ts.CompilerOptions;
  type ModuleResolutionCache = import('ts-morph').ts.ModuleResolutionCache;
  type ModuleResolutionHost = import('ts-morph').ts.ModuleResolutionHost;
  type ParseConfigHost = import('ts-morph').ts.ParseConfigHost;
  type ParsedCommandLine = import('ts-morph').ts.ParsedCommandLine;
}
export type Ts = T;
