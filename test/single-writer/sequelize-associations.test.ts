import { describe, expect, it } from 'vitest';
import { makeTree } from '../helpers/tmp.js';
import { analyzeSingleWriter } from '../../src/single-writer/index.js';
import { DEFAULTS, findings } from './fixtures.js';

/**
 * Sequelize as a larger Express service writes it (the layout of the Sequelize
 * RealWorld example): one connection made with `define` defaults, model definers
 * called with it, associations declared in the registry module, handlers reaching
 * models through `req.app.get('sequelize').models`.
 */
const index = (define: string) => `const { Sequelize, DataTypes } = require('sequelize');

function getSequelize() {
  const params = { logging: false${define} };
  const sequelize = new Sequelize(process.env.DATABASE_URL, params);
  const User = require('./user')(sequelize);
  const Expense = require('./expense')(sequelize);
  const Receipt = require('./receipt')(sequelize);
  const Tag = sequelize.define('Tag', { name: DataTypes.STRING });
  const ExpenseTag = sequelize.define('ExpenseTag', { expenseId: DataTypes.INTEGER, tagId: DataTypes.INTEGER });
  User.hasMany(Expense, { as: 'purchases', foreignKey: 'buyerId' });
  Expense.belongsTo(User, { as: 'buyer', foreignKey: 'buyerId' });
  Expense.hasOne(Receipt, { foreignKey: 'expenseId' });
  Expense.belongsToMany(Tag, { through: ExpenseTag, foreignKey: 'expenseId', otherKey: 'tagId' });
  return sequelize;
}

module.exports = { getSequelize };
`;
const definer = (name: string) => `const { DataTypes } = require('sequelize');

module.exports = (sequelize) => {
  const ${name} = sequelize.define('${name}', { amount: DataTypes.INTEGER });
  return ${name};
};
`;
const handlers = `const router = require('express').Router();

router.post('/', async (req, res) => {
  const models = req.app.get('sequelize').models;
  await models.Expense.create(req.body);
  const [user, expense, tag] = await Promise.all([
    req.app.get('sequelize').models.User.findByPk(req.body.userId),
    req.app.get('sequelize').models.Expense.findByPk(req.body.expenseId),
    req.app.get('sequelize').models.Tag.findByPk(req.body.tagId),
  ]);
  await user.addPurchase(expense);
  await expense.setBuyer(user);
  await expense.createBuyer({ name: 'x' });
  await expense.setReceipt(null);
  await expense.addTag(tag);
  await expense.removeTags([tag]);
  await expense.getTags();
  const draft = new (req.app.get('sequelize').models.Expense)(req.body);
  await draft.save();
  res.end();
});

module.exports = router;
`;

function service(define: string, extraConnection = '') {
  return makeTree({
    'package.json': JSON.stringify({ name: 'svc', dependencies: { express: '4', sequelize: '6' } }),
    'models/index.js': index(define),
    'models/user.js': definer('User'),
    'models/expense.js': definer('Expense'),
    'models/receipt.js': definer('Receipt'),
    'api/expenses.js': handlers,
    ...(extraConnection ? { 'scripts/other-db.js': extraConnection } : {}),
  });
}

const options = (tables: string[]) => ({ protectedTables: tables, include: ['**/*.js'] });

describe('Sequelize in an Express service', () => {
  it('finds every write of the protected tables, with the names the define defaults give them', async () => {
    const root = service(', define: { freezeTableName: true }');
    expect(await findings(root, options(['Expense', 'ExpenseTag', 'Receipt']))).toEqual(
      [
        'api/expenses.js:5 protected-write Expense insert',
        'api/expenses.js:11 protected-write Expense update',
        'api/expenses.js:12 protected-write Expense update',
        'api/expenses.js:13 protected-write Expense update',
        'api/expenses.js:14 protected-write Receipt update',
        'api/expenses.js:15 protected-write ExpenseTag insert',
        'api/expenses.js:16 protected-write ExpenseTag delete',
        'api/expenses.js:19 protected-write Expense insert',
      ].sort(),
    );
  });

  it('without the defaults, the tables are the pluralised names (and the singular ones are not written)', async () => {
    const root = service('');
    expect(await findings(root, options(['Expense', 'ExpenseTag']))).toEqual([]);
    expect(await findings(root, options(['Expenses']))).toHaveLength(5);
  });

  it('two connections that disagree on freezeTableName: the default Sequelize applies (pluralised), not a guess', async () => {
    const other = `const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize(process.env.OTHER_URL, { define: { freezeTableName: false } });\n`;
    const root = service(', define: { freezeTableName: true }', other);
    expect(await findings(root, options(['Expenses']))).toHaveLength(5);
  });

  it('models made by definer functions and re-exported (ESM): statics and instances, and define look-alikes are no models', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', type: 'module', dependencies: { sequelize: '6' } }),
      'src/database/models/expense.model.js': `import { DataTypes } from 'sequelize';\n\nconst expenseModel = (sequelize) => {\n  const Expense = sequelize.define('Expense', { amount: { type: DataTypes.INTEGER, allowNull: false } });\n  return Expense;\n};\n\nexport default expenseModel;\n`,
      'src/database/models/index.js': `export { default as expense } from './expense.model.js';\n`,
      'src/database/index.js': `import Sequelize from 'sequelize';\nimport { expense as expenseModel } from './models/index.js';\n\nconst sequelize = new Sequelize(process.env.DATABASE_URL, { define: { underscored: true } });\nconst Expense = expenseModel(sequelize);\n\nexport { sequelize, Expense };\n`,
      'src/services/expenses.js': [
        `import { Expense } from '../database/index.js';`,
        ``,
        `export async function create(data) {`,
        `  return Expense.create(data);`,
        `}`,
        `export async function rename(id, amount) {`,
        `  const found = await Expense.findByPk(id);`,
        `  found.amount = amount;`,
        `  await found.save();`,
        `  await Expense.destroy({ where: { id } });`,
        `}`,
        ``,
      ].join('\n'),
      'src/ui/widgets.js': `customElements.define('x-expense', class extends HTMLElement {});\nconst registry = { define: (name, spec) => spec };\nconst Widget = registry.define('Expense', { amount: 1 });\nexport const make = () => Widget.create({});\n`,
      // An AMD module named like a table, and a registry of something else reached the Sequelize way.
      'src/ui/amd.js': `define('Ledger', ['jquery'], function ($) { return {}; });\nrequirejs.define('Ledger', ['jquery'], function ($) { return {}; });\nexport const save = (api) => api.models.Ledger.create({});\n`,
    });
    expect(await findings(root, options(['expenses', 'Ledger', 'Ledgers']))).toEqual(
      ['src/services/expenses.js:4 protected-write expenses insert', 'src/services/expenses.js:9 protected-write expenses insert', 'src/services/expenses.js:10 protected-write expenses delete'].sort(),
    );
  });

  it('a mixin or the connection reached another way is still a write: computed names, Reflect.apply, Model.sequelize', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { sequelize: '6' } }),
      'src/models.js': [
        `const { Sequelize, Model, DataTypes } = require('sequelize');`,
        `const sequelize = new Sequelize(process.env.DATABASE_URL);`,
        `class User extends Model {}`,
        `User.init({ name: DataTypes.STRING }, { sequelize, tableName: 'users' });`,
        `class Expense extends Model {}`,
        `Expense.init({ amount: DataTypes.INTEGER }, { sequelize, tableName: 'expenses' });`,
        `User.hasMany(Expense);`,
        `module.exports = { sequelize, User, Expense };`,
        ``,
      ].join('\n'),
      'src/evade.js': [
        `const { User, Expense } = require('./models');`,
        ``,
        `async function evade(id, e) {`,
        `  await Expense.sequelize.query('DELETE FROM expenses');`,
        `  const user = await User.findByPk(id);`,
        `  await user['addExpense'](e);`,
        `  await Reflect.apply(user.addExpense, user, [e]);`,
        `  const add = 'add' + 'Expense';`,
        `  await user[add](e);`,
        `  await user.sequelize.query('UPDATE expenses SET amount = 0');`,
        `  await Expense.build({ amount: 1 }).save();`,
        `}`,
        `module.exports = { evade };`,
        ``,
      ].join('\n'),
    });
    const lines = (await findings(root, options(['expenses']))).map((f) => Number(/:(\d+) /.exec(f)![1]));
    expect(lines.sort((a, b) => a - b)).toEqual([4, 6, 7, 9, 10, 11]);
  });

  it('sequelize-typescript: associations declared by decorators, written through $add/$set/$remove/$create', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { sequelize: '6', 'sequelize-typescript': '2' } }),
      'src/models/user.model.ts': [
        `import { Column, HasMany, Model, Table } from 'sequelize-typescript';`,
        `import { Expense } from './expense.model';`,
        ``,
        `@Table({ tableName: 'users' })`,
        `export class User extends Model {`,
        `  @Column name!: string;`,
        ``,
        `  @HasMany(() => Expense)`,
        `  purchases!: Expense[];`,
        `}`,
        ``,
      ].join('\n'),
      'src/models/expense.model.ts': [
        `import { BelongsTo, BelongsToMany, Column, ForeignKey, Model, Table } from 'sequelize-typescript';`,
        `import { User } from './user.model';`,
        ``,
        `@Table({ tableName: 'tags' })`,
        `export class Tag extends Model {`,
        `  @Column label!: string;`,
        `}`,
        ``,
        `@Table({ tableName: 'expenses' })`,
        `export class Expense extends Model {`,
        `  @ForeignKey(() => User) @Column userId!: number;`,
        `  @BelongsTo(() => User) buyer!: User;`,
        `  @BelongsToMany(() => Tag, () => ExpenseTag) tags!: Tag[];`,
        `}`,
        ``,
        `@Table({ tableName: 'expense_tags' })`,
        `export class ExpenseTag extends Model {`,
        `  @ForeignKey(() => Expense) @Column expenseId!: number;`,
        `  @ForeignKey(() => Tag) @Column tagId!: number;`,
        `}`,
        ``,
      ].join('\n'),
      'src/services/expenses.ts': [
        `import { Expense, Tag } from '../models/expense.model';`,
        `import { User } from '../models/user.model';`,
        ``,
        `export async function reassign(id: number, tagId: number) {`,
        `  const user = await User.findByPk(id);`,
        `  const expense = await Expense.findByPk(id);`,
        `  const tag = await Tag.findByPk(tagId);`,
        `  if (!user || !expense || !tag) return;`,
        `  await user.$add('purchase', expense);`,
        `  await user.$set('purchases', [expense]);`,
        `  await user.$create('purchase', { amount: 1 });`,
        `  await expense.$set('buyer', user);`,
        `  await expense.$add('tags', [tag]);`,
        `  await expense.$remove('tag', tag);`,
        `  await expense.$get('tags');`,
        `  await expense.$count('tags');`,
        `}`,
        ``,
      ].join('\n'),
    });
    const include = { include: ['src/**/*.ts'] };
    expect(await findings(root, { ...options(['expenses']), ...include })).toEqual(
      [
        'src/services/expenses.ts:9 protected-write expenses update',
        'src/services/expenses.ts:10 protected-write expenses update',
        'src/services/expenses.ts:11 protected-write expenses insert',
        'src/services/expenses.ts:12 protected-write expenses update',
      ].sort(),
    );
    expect(await findings(root, { ...options(['expense_tags']), ...include })).toEqual(
      ['src/services/expenses.ts:13 protected-write expense_tags insert', 'src/services/expenses.ts:14 protected-write expense_tags delete'].sort(),
    );
  });
});


/**
 * Deleting a parent row deletes or updates protected children through the foreign keys the
 * associations declare (Sequelize v6 docs, "Associations": `onDelete`, `constraints: false`,
 * belongsToMany's CASCADE default; "Paranoid": `destroy()` sets deletedAt unless `force`).
 */
describe('Sequelize: what a destroy() also writes', () => {
  const models = (extra: { userOptions?: string; expenseOptions?: string; define?: string; associations: string }) =>
    [
      `const { Sequelize, Model, DataTypes } = require('sequelize');`,
      `const sequelize = new Sequelize(process.env.DATABASE_URL${extra.define ?? ''});`,
      `class User extends Model {}`,
      `User.init({ name: DataTypes.STRING }, { sequelize, tableName: 'users'${extra.userOptions ?? ''} });`,
      `class Expense extends Model {}`,
      `Expense.init({ amount: DataTypes.DECIMAL, userId: DataTypes.INTEGER }, { sequelize, tableName: 'expenses'${extra.expenseOptions ?? ''} });`,
      `class Tag extends Model {}`,
      `Tag.init({ label: DataTypes.STRING }, { sequelize, tableName: 'tags' });`,
      `const ExpenseTag = sequelize.define('ExpenseTag', {}, { tableName: 'expense_tags' });`,
      extra.associations,
      `module.exports = { sequelize, User, Expense, Tag };`,
      ``,
    ].join('\n');
  const service = [
    `const { User, Expense, Tag } = require('./models');`,
    ``,
    `async function removeUser(id) {`,
    `  await User.destroy({ where: { id } });`,
    `}`,
    `async function removeUserInstance(id) {`,
    `  const user = await User.findByPk(id);`,
    `  await user.destroy();`,
    `}`,
    `async function removeTag(id) {`,
    `  await Tag.destroy({ where: { id } });`,
    `}`,
    `async function purge(id) {`,
    `  await Expense.destroy({ where: { id } });`,
    `  await Expense.destroy({ where: { id }, force: true });`,
    `  await User.truncate({ cascade: true });`,
    `}`,
    `module.exports = { removeUser, removeUserInstance, removeTag, purge };`,
    ``,
  ].join('\n');
  const tree = (m: string) => makeTree({ 'package.json': JSON.stringify({ name: 'svc', dependencies: { sequelize: '6' } }), 'src/models.js': m, 'src/users.js': service });
  const protect = (tables: string[]) => ({ protectedTables: tables, include: ['src/**/*.js'], writers: ['src/writer/**'] });

  it("hasMany with onDelete: 'CASCADE' (statics and instances), belongsTo with onDelete: 'SET NULL', and belongsToMany's CASCADE default on the join table", async () => {
    const root = tree(
      models({
        associations: [
          `User.hasMany(Expense, { foreignKey: 'userId', onDelete: 'CASCADE' });`,
          `Expense.belongsTo(Tag, { onDelete: 'set null' });`,
          `Expense.belongsToMany(Tag, { through: ExpenseTag });`,
        ].join('\n'),
      }),
    );
    expect(await findings(root, protect(['expenses', 'expense_tags']))).toEqual(
      [
        'src/users.js:4 protected-write expenses delete',
        // users → expenses (cascade) → expense_tags (the join table's default cascade)
        'src/users.js:4 protected-write expense_tags delete',
        'src/users.js:8 protected-write expenses delete',
        'src/users.js:8 protected-write expense_tags delete',
        'src/users.js:11 protected-write expenses update',
        'src/users.js:11 protected-write expense_tags delete',
        'src/users.js:14 protected-write expenses delete',
        'src/users.js:14 protected-write expense_tags delete',
        'src/users.js:15 protected-write expenses delete',
        'src/users.js:15 protected-write expense_tags delete',
        'src/users.js:16 protected-write expenses truncate',
        'src/users.js:16 protected-write expense_tags truncate',
      ].sort(),
    );
    const r = await analyzeSingleWriter({ root, ...DEFAULTS, ...protect(['expenses']) });
    const viaKey = r.findings.find((f) => f.line === 4 && f.table === 'expenses');
    expect(viaKey?.message).toContain("users → expenses (hasMany) onDelete: 'CASCADE'");
  });

  it("sequelize-typescript: @BelongsTo(() => User, { onDelete: 'cascade' }) on the child", async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { sequelize: '6', 'sequelize-typescript': '2' } }),
      'src/user.entity.ts': `import { Column, HasMany, Model, Table } from 'sequelize-typescript';\nimport { Payment } from './payment.entity';\n\n@Table({ tableName: 'users' })\nexport class User extends Model {\n  @Column name!: string;\n  @HasMany(() => Payment) payments!: Payment[];\n}\n`,
      'src/payment.entity.ts': `import { BelongsTo, Column, ForeignKey, Model, Table } from 'sequelize-typescript';\nimport { User } from './user.entity';\n\n@Table({ tableName: 'payments' })\nexport class Payment extends Model {\n  @ForeignKey(() => User) @Column userId!: number;\n  @BelongsTo(() => User, { onDelete: 'casCade' }) user!: User;\n}\n`,
      'src/user.service.ts': `import { User } from './user.entity';\n\nexport class UserService {\n  constructor(private readonly users: typeof User) {}\n  remove(id: number) {\n    return this.users.destroy({ where: { id } });\n  }\n}\n`,
    });
    expect(await findings(root, { protectedTables: ['payments'], include: ['src/**/*.ts'] })).toEqual(['src/user.service.ts:6 protected-write payments delete']);
  });

  it('no stated action, NO ACTION, RESTRICT or constraints: false: the delete of the parent writes no protected table', async () => {
    for (const associations of [
      `User.hasMany(Expense);`,
      `User.hasMany(Expense, { onDelete: 'NO ACTION' });`,
      `Expense.belongsTo(User, { onDelete: 'RESTRICT' });`,
      `User.hasMany(Expense, { onDelete: 'CASCADE', constraints: false });`,
    ]) {
      const out = await findings(tree(models({ associations })), protect(['expenses']));
      expect(out.filter((f) => /users\.js:(4|8|11) /.test(f)), associations).toEqual([]);
    }
  });

  it('a paranoid model: destroy() is an UPDATE of deletedAt and runs no delete action; force: true deletes; paranoid from the connection define, and not without timestamps', async () => {
    const associations = `Expense.hasMany(Tag, { onDelete: 'CASCADE' });`;
    const paranoid = await findings(tree(models({ expenseOptions: ', paranoid: true', associations })), protect(['expenses', 'tags']));
    expect(paranoid.filter((f) => /users\.js:1[45] /.test(f))).toEqual(['src/users.js:14 protected-write expenses update', 'src/users.js:15 protected-write expenses delete', 'src/users.js:15 protected-write tags delete']);
    const fromDefine = await findings(tree(models({ define: ', { define: { paranoid: true } }', associations })), protect(['expenses', 'tags']));
    expect(fromDefine.filter((f) => /users\.js:14 /.test(f))).toEqual(['src/users.js:14 protected-write expenses update']);
    const noTimestamps = await findings(tree(models({ expenseOptions: ', paranoid: true, timestamps: false', associations })), protect(['expenses', 'tags']));
    expect(noTimestamps.filter((f) => /users\.js:14 /.test(f))).toEqual(['src/users.js:14 protected-write expenses delete', 'src/users.js:14 protected-write tags delete']);
  });
});

/**
 * A generic base service, as masb0ymas/expresso-sequelize writes it: `BaseService<T>` keeps the
 * model its subclasses hand to `super({ repository })` and writes through `this.repository`.
 */
describe('Sequelize behind a generic base service', () => {
  const entity = (cls: string, table: string, extra = '') =>
    `import { Column, Model, Table } from 'sequelize-typescript';\n\n@Table({ tableName: '${table}'${extra} })\nexport default class ${cls} extends Model {\n  @Column name!: string;\n}\n`;
  const base = [
    `import { Model, ModelStatic } from 'sequelize';`,
    ``,
    `type BaseServiceParams<T extends Model> = { repository: ModelStatic<T>; model: string };`,
    ``,
    `export default class BaseService<T extends Model> {`,
    `  public repository: ModelStatic<T>;`,
    `  protected _model: string;`,
    ``,
    `  constructor({ repository, model }: BaseServiceParams<T>) {`,
    `    this.repository = repository;`,
    `    this._model = model;`,
    `  }`,
    ``,
    `  async create(values: any) {`,
    `    return this.repository.create(values);`,
    `  }`,
    ``,
    `  async softDelete(id: string) {`,
    `    await this.repository.destroy({ where: { id }, force: false });`,
    `  }`,
    ``,
    `  async findById(id: string) {`,
    `    return this.repository.findOne({ where: { id } });`,
    `  }`,
    ``,
    `  async rename(id: string, name: string) {`,
    `    const record = await this.findById(id);`,
    `    return record!.update({ name });`,
    `  }`,
    `}`,
    ``,
  ].join('\n');
  const service = (cls: string, model: string, file: string) =>
    `import { Model, ModelStatic } from 'sequelize';\nimport ${model} from '../entity/${file}';\nimport BaseService from './base';\n\ntype M = ${model} & Model;\n\nexport default class ${cls} extends BaseService<M> {\n  constructor() {\n    super({ repository: ${model} as unknown as ModelStatic<M>, model: '${file}' });\n  }\n\n  async touch(id: string) {\n    const found = await this.repository.findOne({ where: { id } });\n    await found?.update({ name: 'x' });\n  }\n}\n`;
  const files = {
    'package.json': JSON.stringify({ name: 'svc', dependencies: { sequelize: '6', 'sequelize-typescript': '2' } }),
    'src/entity/session.ts': entity('Session', 'session'),
    'src/entity/upload.ts': entity('Upload', 'upload', ', paranoid: true'),
    'src/entity/role.ts': entity('Role', 'role'),
    'src/service/base.ts': base,
    'src/service/session.ts': service('SessionService', 'Session', 'session'),
    'src/service/upload.ts': service('UploadService', 'Upload', 'upload'),
    'src/service/role.ts': service('RoleService', 'Role', 'role'),
    // A repository map typed by a type literal, filled in the constructor.
    'src/service/auth.ts': `import { Model, ModelStatic } from 'sequelize';\nimport Session from '../entity/session';\n\nexport default class AuthService {\n  private _repository: { session: ModelStatic<Session & Model> };\n\n  constructor() {\n    this._repository = { session: Session as unknown as ModelStatic<Session & Model> };\n  }\n\n  async login(values: any) {\n    const repo = { session: this._repository.session };\n    await repo.session.create(values);\n  }\n}\n`,
  };
  const protect = { protectedTables: ['session', 'upload'], include: ['src/**/*.ts'] };

  it("the base's writes are the tables its subclasses give it, each said with the subclass (a paranoid model's destroy is an update); the subclasses' own writes through the inherited member; a type literal gives way to the value the constructor stores", async () => {
    expect(await findings(makeTree(files), protect)).toEqual(
      [
        'src/service/auth.ts:13 protected-write session insert',
        'src/service/base.ts:15 protected-write session insert',
        'src/service/base.ts:15 protected-write upload insert',
        'src/service/base.ts:19 protected-write session delete',
        'src/service/base.ts:19 protected-write upload update',
        // An instance the base finds through its own method: the model is the subclass's, not known here.
        'src/service/base.ts:28 unverifiable-sql',
        'src/service/session.ts:14 protected-write session update',
        'src/service/upload.ts:14 protected-write upload update',
      ].sort(),
    );
    const r = await analyzeSingleWriter({ root: makeTree(files), ...DEFAULTS, ...protect });
    expect(r.findings.find((f) => f.file === 'src/service/base.ts' && f.table === 'upload' && f.line === 15)?.message).toContain('the model UploadService gives BaseService');
  });

  it('only unprotected subclasses: nothing to report for the writes on this.repository, proved rather than guessed', async () => {
    const only = Object.fromEntries(Object.entries(files).filter(([k]) => !/service\/(session|upload|auth)\.ts$/.test(k)));
    expect(await findings(makeTree(only), protect)).toEqual(['src/service/base.ts:28 unverifiable-sql']);
  });

  it('a subclass without a constructor passes on to its own subclasses; a subclass that hands on its own parameter adds an unverifiable write; no subclass at all leaves it unverifiable', async () => {
    const passThrough = {
      ...files,
      'src/service/audited.ts': `import BaseService from './base';\nexport default abstract class AuditedService<T extends import('sequelize').Model> extends BaseService<T> {}\n`,
      'src/service/session.ts': service('SessionService', 'Session', 'session').replace("import BaseService from './base';", "import BaseService from './audited';"),
    };
    expect((await findings(makeTree(passThrough), protect)).filter((f) => f.startsWith('src/service/base.ts:15'))).toEqual(['src/service/base.ts:15 protected-write session insert', 'src/service/base.ts:15 protected-write upload insert']);
    const handedOn = { ...files, 'src/service/any.ts': `import BaseService from './base';\nexport default class AnyService extends BaseService<any> {\n  constructor(repository: any) {\n    super({ repository, model: 'any' });\n  }\n}\n` };
    expect((await findings(makeTree(handedOn), protect)).filter((f) => f.startsWith('src/service/base.ts'))).toEqual(
      [
        'src/service/base.ts:15 protected-write session insert',
        'src/service/base.ts:15 protected-write upload insert',
        'src/service/base.ts:15 unverifiable-sql',
        'src/service/base.ts:19 protected-write session delete',
        'src/service/base.ts:19 protected-write upload update',
        'src/service/base.ts:19 unverifiable-sql',
        'src/service/base.ts:28 unverifiable-sql',
      ].sort(),
    );
    const alone = { 'package.json': files['package.json'], 'src/service/base.ts': base };
    expect(await findings(makeTree(alone), protect)).toEqual(['src/service/base.ts:15 unverifiable-sql', 'src/service/base.ts:19 unverifiable-sql', 'src/service/base.ts:28 unverifiable-sql']);
  });
});

/**
 * The Sequelize RealWorld example's layout (cirosantilli/node-express-sequelize-nextjs-realworld-example-app):
 * `router.param` loads an instance into `req.article` with `.then(…)`, handlers write through it,
 * the model has methods added to its prototype, and a helper takes a model as a parameter.
 */
describe('Sequelize in Express handlers: request properties, prototype methods, helpers taking a model', () => {
  const files = {
    'package.json': JSON.stringify({ name: 'svc', dependencies: { express: '4', sequelize: '6' } }),
    'models/index.js': [
      `const { Sequelize, DataTypes } = require('sequelize');`,
      `const sequelize = new Sequelize(process.env.DATABASE_URL, { define: { freezeTableName: true } });`,
      `const Article = sequelize.define('Article', { slug: DataTypes.STRING });`,
      `const Comment = sequelize.define('Comment', { body: DataTypes.TEXT });`,
      `const Tag = sequelize.define('Tag', { name: DataTypes.STRING });`,
      `Article.hasMany(Comment, { foreignKey: 'articleId', onDelete: 'CASCADE' });`,
      `Article.prototype.destroy2 = async function () {`,
      `  await sequelize.transaction(async (t) => {`,
      `    await this.destroy({ transaction: t });`,
      `  });`,
      `};`,
      `module.exports = { sequelize, Article, Comment, Tag };`,
      ``,
    ].join('\n'),
    'lib.js': [
      `async function deleteOldest(Model, keep) {`,
      `  const old = await Model.findAll({ offset: keep, attributes: ['id'] });`,
      `  await Model.destroy({ where: { id: old.map((row) => row.id) } });`,
      `}`,
      `const touch = (Model, id) => Model.update({ touchedAt: new Date() }, { where: { id } });`,
      `module.exports = { deleteOldest, touch };`,
      ``,
    ].join('\n'),
    'api/articles.js': [
      `const router = require('express').Router();`,
      `const lib = require('../lib');`,
      `const { Article, Comment, Tag } = require('../models');`,
      ``,
      `router.param('article', function (req, res, next, slug) {`,
      `  Article.findOne({ where: { slug } }).then(function (article) {`,
      `    req.article = article;`,
      `    next();`,
      `  });`,
      `});`,
      `router.param('comment', async function (req, res, next, id) {`,
      `  req.comment = await Comment.findByPk(id);`,
      `  next();`,
      `});`,
      `router.put('/:article', async (req, res) => {`,
      `  const article = req.article;`,
      `  article.title = req.body.title;`,
      `  await article.save();`,
      `  res.end();`,
      `});`,
      `router.delete('/:article', async (req, res) => {`,
      `  await req.article.destroy2();`,
      `  await req.comment.destroy();`,
      `  await lib.deleteOldest(Tag, 100);`,
      `  await lib.touch(Comment, 1);`,
      `  res.end();`,
      `});`,
      `module.exports = router;`,
      ``,
    ].join('\n'),
  };
  const protect = { protectedTables: ['Article', 'Comment'], include: ['**/*.js'] };

  it('req.article set with .then(…), req.comment with await: writes through them are found (heuristic: by the property name across files); this in a prototype method is the model, with its cascade', async () => {
    expect(await findings(makeTree(files), protect)).toEqual(
      [
        'api/articles.js:18 protected-write Article insert (heuristic)',
        'api/articles.js:23 protected-write Comment delete (heuristic)',
        'models/index.js:9 protected-write Article delete',
        'models/index.js:9 protected-write Comment delete',
        'lib.js:5 protected-write Comment update',
      ].sort(),
    );
  });

  it('a helper taking a model writes what its callers hand it; one nobody calls says nothing; a caller handing something else leaves it unverifiable', async () => {
    const out = await findings(makeTree(files), { ...protect, protectedTables: ['Tag'] });
    expect(out).toEqual(['lib.js:3 protected-write Tag delete']);
    const untraced = { ...files, 'api/other.js': `const lib = require('../lib');\nmodule.exports = (m) => lib.deleteOldest(m, 5);\n` };
    expect(await findings(makeTree(untraced), { ...protect, protectedTables: ['Tag'] })).toEqual(['lib.js:3 protected-write Tag delete', 'lib.js:3 unverifiable-sql']);
    const uncalled = { ...files, 'api/articles.js': files['api/articles.js'].replace(`  await lib.deleteOldest(Tag, 100);\n`, '') };
    expect(await findings(makeTree(uncalled), { ...protect, protectedTables: ['Tag'] })).toEqual([]);
  });

  it('two middlewares storing different models under one request property: not guessed', async () => {
    const two = { ...files, 'api/other.js': `const { Tag } = require('../models');\nmodule.exports = async (req, res, next) => {\n  req.comment = await Tag.findByPk(1);\n  next();\n};\n` };
    expect((await findings(makeTree(two), protect)).filter((f) => f.startsWith('api/articles.js:23'))).toEqual([]);
  });
});
