import { foldConstantNode } from './const-fold.js';
import type { PgNode } from './parser.js';

/**
 * A change to a run-time setting: `SET`, `SET LOCAL`, `RESET`, `set_config()`,
 * `DISCARD ALL` (which resets the role and session authorization), or a
 * default stored with `ALTER ROLE/DATABASE … SET` or `ALTER SYSTEM`.
 * `name` is lower-case; `*` when the statement resets or sets something the
 * parse tree does not name (RESET ALL, set_config with a computed name).
 */
export interface SettingChange {
  name: string;
  how: 'SET' | 'SET LOCAL' | 'RESET' | 'set_config' | 'DISCARD ALL' | 'ALTER ROLE' | 'ALTER DATABASE' | 'ALTER SYSTEM';
  value?: string;
}

function constArgs(args: PgNode[] | undefined): string | undefined {
  const vals = (args ?? []).map((a) => foldConstantNode(a));
  return vals.every((v) => v !== undefined) ? vals.join(', ') : undefined;
}

function fromVariableSet(node: PgNode, how?: SettingChange['how']): SettingChange[] {
  switch (node.kind) {
    case 'VAR_RESET_ALL':
      return [{ name: '*', how: how ?? 'RESET' }];
    case 'VAR_RESET':
      return [{ name: String(node.name).toLowerCase(), how: how ?? 'RESET' }];
    case 'VAR_SET_MULTI':
      // SET TRANSACTION …, SET SESSION CHARACTERISTICS: transaction modes, not settings.
      return [];
    default:
      return typeof node.name === 'string'
        ? [{ name: node.name.toLowerCase(), how: how ?? (node.is_local ? 'SET LOCAL' : 'SET'), value: node.kind === 'VAR_SET_VALUE' ? constArgs(node.args) : undefined }]
        : [];
  }
}

const isSetConfig = (names: PgNode[] | undefined) => {
  const n = (names ?? []).map((x) => x?.String?.sval);
  return (n.length === 1 && n[0] === 'set_config') || (n.length === 2 && n[0] === 'pg_catalog' && n[1] === 'set_config');
};

/**
 * Setting changes made by one parse-tree node. Returns undefined when the node
 * is not about settings, and `recurse: false` when its children must not be
 * visited again (the nested SET of an ALTER ROLE … SET).
 */
export function settingChanges(kind: string, node: PgNode): { changes: SettingChange[]; recurse: boolean } | undefined {
  switch (kind) {
    case 'VariableSetStmt':
      return { changes: fromVariableSet(node), recurse: false };
    case 'DiscardStmt':
      return node.target === 'DISCARD_ALL'
        ? { changes: [{ name: 'session_authorization', how: 'DISCARD ALL' }, { name: 'role', how: 'DISCARD ALL' }], recurse: false }
        : undefined;
    case 'AlterRoleSetStmt':
      return { changes: node.setstmt ? fromVariableSet(node.setstmt, 'ALTER ROLE') : [], recurse: false };
    case 'AlterDatabaseSetStmt':
      return { changes: node.setstmt ? fromVariableSet(node.setstmt, 'ALTER DATABASE') : [], recurse: false };
    case 'AlterSystemStmt':
      return { changes: node.setstmt ? fromVariableSet(node.setstmt, 'ALTER SYSTEM') : [], recurse: false };
    case 'FuncCall': {
      if (!isSetConfig(node.funcname)) return undefined;
      const name = foldConstantNode(node.args?.[0]);
      return { changes: [{ name: name === undefined ? '*' : name.toLowerCase(), how: 'set_config', value: foldConstantNode(node.args?.[1]) }], recurse: true };
    }
    default:
      return undefined;
  }
}
