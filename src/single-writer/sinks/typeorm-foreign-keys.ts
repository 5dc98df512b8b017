import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import { decorator } from '../orm-facts.js';
import { constString, type SinkContext } from '../sink-model.js';
import { projectDeleteActions, type DeleteAction } from './delete-actions.js';

/**
 * TypeORM's relations with a delete action, read once per run from every entity:
 * `@ManyToOne(() => User, (u) => u.payments, { onDelete: 'CASCADE' }) user: User`. The
 * foreign key TypeORM migrates runs the action when the parent row goes, so deleting a user
 * writes its payments: said at the delete.
 */
export function typeormForeignKeys(ctx: SinkContext): DeleteAction[] {
  return projectDeleteActions(ctx, 'typeorm', (here, keys) => {
    const visit = (n: ts.Node): void => {
      if (ts.isClassDeclaration(n)) {
        const child = ctx.facts.typeormTable(n, here.mod);
        if (child) for (const member of n.members) relationKey(member, child, here, keys);
      }
      ts.forEachChild(n, visit);
    };
    visit(here.mod.sourceFile);
  });
}

function relationKey(member: ts.Node, child: string, ctx: SinkContext, keys: DeleteAction[]): void {
  const d = decorator(member, /^(ManyToOne|OneToOne)$/, ctx.mod);
  if (!d || !ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) return;
  const options = d.arguments.map(unwrapExpression).find((a): a is ts.ObjectLiteralExpression => ts.isObjectLiteralExpression(a));
  const action = options && constString(ownProperty(options, 'onDelete'), ctx)?.toLowerCase();
  if (action !== 'cascade' && action !== 'set null' && action !== 'set default') return;
  // () => User
  const target = d.arguments[0] && unwrapExpression(d.arguments[0]);
  const body = target && ts.isArrowFunction(target) && !ts.isBlock(target.body) ? target.body : undefined;
  if (!body) return;
  const o = ctx.tracer.of(body, ctx.mod);
  const parent = o.root.k === 'class' ? ctx.facts.typeormTable(o.root.node, o.root.module) : undefined;
  if (parent) keys.push({ parent, child, action, label: `${child}.${member.name.text} onDelete: '${action.toUpperCase()}'` });
}
