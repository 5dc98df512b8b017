import { ts } from './typescript.js';
import { ownProperty, propertyNameText, unwrapExpression } from './const-value.js';

/**
 * A base class that keeps what its constructor is given (`this.repository = repository`) and the
 * subclasses that give it (`super({ repository: Session })`): how a generic base service's
 * `this.repository` is bound to each subclass's model.
 */
/** Where a constructor stores parameter `index` (or its property `property`, destructured) as `this.name`. */
export interface StoredParameter {
  index: number;
  property?: string;
}

export function storedParameter(cls: ts.ClassLikeDeclaration, name: string): StoredParameter | undefined {
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  if (!ctor) return undefined;
  const params = ctor.parameters;
  const asProperty = params.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === name && ts.getModifiers(p)?.length);
  if (asProperty >= 0) return { index: asProperty };
  for (const st of ctor.body?.statements ?? []) {
    if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression) || st.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const { left, right } = st.expression;
    if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword || left.name.text !== name) continue;
    const r = unwrapExpression(right);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!.name;
      // `this.repository = repository` from `(repository)`, or `this.repository = options.repository` from `(options)`.
      if (ts.isIdentifier(p) && ts.isIdentifier(r) && p.text === r.text) return { index: i };
      if (ts.isIdentifier(p) && ts.isPropertyAccessExpression(r) && ts.isIdentifier(r.expression) && r.expression.text === p.text) return { index: i, property: r.name.text };
      // `this.repository = repository` from `({ repository, schema }: Params)`.
      if (ts.isObjectBindingPattern(p) && ts.isIdentifier(r)) {
        const el = p.elements.find((e) => ts.isIdentifier(e.name) && e.name.text === r.text && !e.dotDotDotToken);
        if (el) return { index: i, property: el.propertyName ? propertyNameText(el.propertyName) : r.text };
      }
    }
    return undefined;
  }
  return undefined;
}

/** The expression a subclass's constructor hands to the stored parameter through `super(…)`. */
export function superArgument(sub: ts.ClassLikeDeclaration, stored: StoredParameter): ts.Expression | undefined {
  const ctor = sub.members.find(ts.isConstructorDeclaration);
  for (const st of ctor?.body?.statements ?? []) {
    const call = ts.isExpressionStatement(st) ? unwrapExpression(st.expression) : undefined;
    if (!call || !ts.isCallExpression(call) || call.expression.kind !== ts.SyntaxKind.SuperKeyword) continue;
    const arg = call.arguments[stored.index];
    if (!arg || stored.property === undefined) return arg;
    const obj = unwrapExpression(arg);
    return ts.isObjectLiteralExpression(obj) ? ownProperty(obj, stored.property) : undefined;
  }
  return undefined;
}
