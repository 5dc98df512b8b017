import { describe, expect, it } from 'vitest';
import { makeTree } from '../helpers/tmp.js';
import { findings } from './fixtures.js';

/**
 * A generic base service over TypeORM, as NestJS projects write it: `BaseService<T>` takes a
 * `Repository<T>` as a parameter property, and each service hands it the repository Nest
 * injects (`@InjectRepository(Payment) repo: Repository<Payment>`) through `super(repo)`.
 */
const files = {
  'package.json': JSON.stringify({ name: 'svc', dependencies: { typeorm: '0.3', '@nestjs/typeorm': '10', '@nestjs/common': '10' } }),
  'src/common/base.service.ts': [
    `import { DeepPartial, ObjectLiteral, Repository } from 'typeorm';`,
    ``,
    `export abstract class BaseService<T extends ObjectLiteral> {`,
    `  constructor(protected readonly repository: Repository<T>) {}`,
    ``,
    `  create(data: DeepPartial<T>) {`,
    `    return this.repository.save(data);`,
    `  }`,
    ``,
    `  remove(id: number) {`,
    `    return this.repository.delete(id);`,
    `  }`,
    `}`,
    ``,
  ].join('\n'),
  'src/payments/payment.entity.ts': `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity('payments')\nexport class Payment {\n  @PrimaryGeneratedColumn() id!: number;\n  @Column('numeric') amount!: string;\n}\n`,
  'src/tags/tag.entity.ts': `import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity('tags')\nexport class Tag {\n  @PrimaryGeneratedColumn() id!: number;\n}\n`,
  'src/payments/payments.service.ts': [
    `import { Injectable } from '@nestjs/common';`,
    `import { InjectRepository } from '@nestjs/typeorm';`,
    `import { Repository } from 'typeorm';`,
    `import { BaseService } from '../common/base.service';`,
    `import { Payment } from './payment.entity';`,
    ``,
    `@Injectable()`,
    `export class PaymentsService extends BaseService<Payment> {`,
    `  constructor(@InjectRepository(Payment) private readonly payments: Repository<Payment>) {`,
    `    super(payments);`,
    `  }`,
    ``,
    `  refund(id: number) {`,
    `    return this.repository.update(id, { amount: '0' });`,
    `  }`,
    `}`,
    ``,
  ].join('\n'),
  'src/tags/tags.service.ts': `import { Injectable } from '@nestjs/common';\nimport { InjectRepository } from '@nestjs/typeorm';\nimport { Repository } from 'typeorm';\nimport { BaseService } from '../common/base.service';\nimport { Tag } from './tag.entity';\n\n@Injectable()\nexport class TagsService extends BaseService<Tag> {\n  constructor(@InjectRepository(Tag) repo: Repository<Tag>) {\n    super(repo);\n  }\n}\n`,
};
const protect = { protectedTables: ['payments'], include: ['src/**/*.ts'] };

describe('TypeORM behind a generic base service', () => {
  it("the base's writes are the protected repositories its subclasses hand to super(); the subclass's own write through the inherited member", async () => {
    expect(await findings(makeTree(files), protect)).toEqual(
      ['src/common/base.service.ts:7 protected-write payments insert', 'src/common/base.service.ts:11 protected-write payments delete', 'src/payments/payments.service.ts:14 protected-write payments update'].sort(),
    );
  });

  it('only an unprotected subclass: proved to write nothing protected', async () => {
    const only = Object.fromEntries(Object.entries(files).filter(([k]) => !k.startsWith('src/payments/')));
    expect(await findings(makeTree(only), protect)).toEqual([]);
  });

  it('no subclass in the run (the base published on its own): unverifiable, never silent; one subclass handing on a repository not traced here adds an unverifiable write beside the known ones', async () => {
    const alone = makeTree({ 'package.json': files['package.json'], 'src/common/base.service.ts': files['src/common/base.service.ts'] });
    expect(await findings(alone, protect)).toEqual(['src/common/base.service.ts:11 unverifiable-sql', 'src/common/base.service.ts:7 unverifiable-sql']);
    const untraced = makeTree({
      ...files,
      'src/any/any.service.ts': `import { Repository } from 'typeorm';\nimport { BaseService } from '../common/base.service';\n\nexport class AnyService<T extends object> extends BaseService<T> {\n  constructor(repo: Repository<T>) {\n    super(repo);\n  }\n}\n`,
    });
    expect((await findings(untraced, protect)).filter((f) => f.startsWith('src/common/'))).toEqual([
      'src/common/base.service.ts:11 protected-write payments delete',
      'src/common/base.service.ts:11 unverifiable-sql',
      'src/common/base.service.ts:7 protected-write payments insert',
      'src/common/base.service.ts:7 unverifiable-sql',
    ]);
  });
});

/** A generic base repository over a query builder, handed its table name by each subclass (`super('payments')`). */
describe('Knex and Kysely behind a generic base repository', () => {
  const knexFiles = {
    'package.json': JSON.stringify({ name: 'svc', dependencies: { knex: '3', pg: '8' } }),
    'src/db.ts': `import knex from 'knex';\nexport const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });\n`,
    'src/base.repository.ts': [
      `import { db } from './db';`,
      ``,
      `export class BaseRepository<T extends object> {`,
      `  constructor(protected readonly tableName: string) {}`,
      ``,
      `  create(row: T) {`,
      `    return db(this.tableName).insert(row).returning('*');`,
      `  }`,
      ``,
      `  remove(id: number) {`,
      `    return db(this.tableName).where({ id }).del();`,
      `  }`,
      `}`,
      ``,
    ].join('\n'),
    'src/payments.repository.ts': `import { BaseRepository } from './base.repository';\n\nconst TABLE = 'payments';\n\nexport class PaymentsRepository extends BaseRepository<{ amount: string }> {\n  constructor() {\n    super(TABLE);\n  }\n}\n`,
    'src/tags.repository.ts': `import { BaseRepository } from './base.repository';\n\nexport class TagsRepository extends BaseRepository<{ label: string }> {\n  constructor() {\n    super('tags');\n  }\n}\n`,
  };

  it('knex(this.tableName): each subclass table, the protected ones reported; a subclass passing on a parameter adds an unverifiable write', async () => {
    expect(await findings(makeTree(knexFiles), protect)).toEqual(['src/base.repository.ts:11 protected-write payments delete', 'src/base.repository.ts:7 protected-write payments insert']);
    const open = { ...knexFiles, 'src/any.repository.ts': `import { BaseRepository } from './base.repository';\n\nexport class AnyRepository extends BaseRepository<object> {\n  constructor(table: string) {\n    super(table);\n  }\n}\n` };
    expect(await findings(makeTree(open), protect)).toEqual([
      'src/base.repository.ts:11 protected-write payments delete',
      'src/base.repository.ts:11 unverifiable-sql',
      'src/base.repository.ts:7 protected-write payments insert',
      'src/base.repository.ts:7 unverifiable-sql',
    ]);
  });

  it('kysely insertInto(this.table) with the table stored from a destructured options object', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { kysely: '0.27', pg: '8' } }),
      'src/db.ts': `import { Kysely, PostgresDialect } from 'kysely';\nimport { Pool } from 'pg';\nexport const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool() }) });\n`,
      'src/base.ts': `import { db } from './db';\n\nexport abstract class Repo {\n  protected readonly table: string;\n  constructor({ table }: { table: string }) {\n    this.table = table;\n  }\n  insert(row: object) {\n    return db.insertInto(this.table).values(row).execute();\n  }\n}\n`,
      'src/payments.ts': `import { Repo } from './base';\n\nexport class Payments extends Repo {\n  constructor() {\n    super({ table: 'payments' });\n  }\n}\n`,
    });
    expect(await findings(root, protect)).toEqual(['src/base.ts:9 protected-write payments insert']);
  });
});

describe('Prisma behind a generic base repository', () => {
  const schema = `generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Payment {\n  id     Int     @id @default(autoincrement())\n  amount Decimal\n\n  @@map("payments")\n}\n\nmodel Tag {\n  id Int @id @default(autoincrement())\n}\n`;
  const files = {
    'package.json': JSON.stringify({ name: 'svc', dependencies: { '@prisma/client': '5' } }),
    'prisma/schema.prisma': schema,
    'src/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
    'src/base.repository.ts': `export abstract class BaseRepository<D extends { create: Function; delete: Function }> {\n  constructor(protected readonly delegate: D) {}\n  create(data: object) {\n    return this.delegate.create({ data });\n  }\n  remove(id: number) {\n    return this.delegate.delete({ where: { id } });\n  }\n}\n`,
    'src/payments.repository.ts': `import { prisma } from './db';\nimport { BaseRepository } from './base.repository';\n\nexport class PaymentsRepository extends BaseRepository<typeof prisma.payment> {\n  constructor() {\n    super(prisma.payment);\n  }\n}\n`,
    'src/tags.repository.ts': `import { prisma } from './db';\nimport { BaseRepository } from './base.repository';\n\nexport class TagsRepository extends BaseRepository<typeof prisma.tag> {\n  constructor() {\n    super(prisma.tag);\n  }\n}\n`,
  };

  it('this.delegate.create(…): the model delegates the subclasses hand to super(), the protected ones reported; a subclass handing on a parameter adds an unverifiable write', async () => {
    expect(await findings(makeTree(files), protect)).toEqual(['src/base.repository.ts:4 protected-write payments insert', 'src/base.repository.ts:7 protected-write payments delete']);
    const only = Object.fromEntries(Object.entries(files).filter(([k]) => k !== 'src/payments.repository.ts'));
    expect(await findings(makeTree(only), protect)).toEqual([]);
    const open = { ...files, 'src/any.repository.ts': `import { BaseRepository } from './base.repository';\n\nexport class AnyRepository extends BaseRepository<any> {\n  constructor(delegate: any) {\n    super(delegate);\n  }\n}\n` };
    expect(await findings(makeTree(open), protect)).toEqual([
      'src/base.repository.ts:4 protected-write payments insert',
      'src/base.repository.ts:4 unverifiable-sql',
      'src/base.repository.ts:7 protected-write payments delete',
      'src/base.repository.ts:7 unverifiable-sql',
    ]);
  });
});

describe('drizzle behind a generic base repository', () => {
  it('db.insert(this.table): the table objects the subclasses hand to super()', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { 'drizzle-orm': '0.36', pg: '8' } }),
      'src/schema.ts': `import { integer, numeric, pgTable, serial, text } from 'drizzle-orm/pg-core';\n\nexport const payments = pgTable('payments', { id: serial('id').primaryKey(), amount: numeric('amount') });\nexport const tags = pgTable('tags', { id: serial('id').primaryKey(), label: text('label') });\nexport const n = integer;\n`,
      'src/db.ts': `import { drizzle } from 'drizzle-orm/node-postgres';\nexport const db = drizzle(process.env.DATABASE_URL!);\n`,
      'src/base.repository.ts': `import type { PgTable } from 'drizzle-orm/pg-core';\nimport { db } from './db';\n\nexport abstract class BaseRepository<T extends PgTable> {\n  constructor(protected readonly table: T) {}\n  insert(row: T['$inferInsert']) {\n    return db.insert(this.table).values(row);\n  }\n  clear() {\n    return db.delete(this.table);\n  }\n}\n`,
      'src/payments.repository.ts': `import { BaseRepository } from './base.repository';\nimport { payments } from './schema';\n\nexport class PaymentsRepository extends BaseRepository<typeof payments> {\n  constructor() {\n    super(payments);\n  }\n}\n`,
      'src/tags.repository.ts': `import { BaseRepository } from './base.repository';\nimport { tags } from './schema';\n\nexport class TagsRepository extends BaseRepository<typeof tags> {\n  constructor() {\n    super(tags);\n  }\n}\n`,
    });
    expect(await findings(root, protect)).toEqual(['src/base.repository.ts:10 protected-write payments delete', 'src/base.repository.ts:7 protected-write payments insert']);
  });
});

/**
 * The Koa/Knex layout of many small services (zhuayu/combat-okr): a `Base` model keeps its table,
 * each model names it as a constructor default and is exported as an instance, and controllers write
 * through builders the base's methods return (`Keyresult.select({ … }).del()`).
 */
describe('Knex models exported as instances of a base class', () => {
  const files = {
    'package.json': JSON.stringify({ name: 'svc', dependencies: { knex: '3', mysql: '2' } }),
    'models/knex.js': `module.exports = require('knex')({ client: 'mysql', connection: {} });\n`,
    'models/base.js': [
      `const knex = require('./knex');`,
      ``,
      `class Base {`,
      `  constructor(props) {`,
      `    this.table = props;`,
      `  }`,
      `  knex() {`,
      `    return knex(this.table);`,
      `  }`,
      `  select(params) {`,
      `    return knex(this.table).select().where(params);`,
      `  }`,
      `  insert(params) {`,
      `    return knex(this.table).insert(params);`,
      `  }`,
      `}`,
      `module.exports = Base;`,
      ``,
    ].join('\n'),
    'models/payment.js': `const Base = require('./base.js');\nclass Payment extends Base {\n  constructor(props = 'payments') {\n    super(props);\n  }\n}\nmodule.exports = new Payment();\n`,
    'models/tag.js': `const Base = require('./base.js');\nclass Tag extends Base {\n  constructor(props = 'tags') {\n    super(props);\n  }\n}\nmodule.exports = new Tag();\n`,
    'controllers/payment.js': [
      `const Payment = require('../models/payment.js');`,
      `const Tag = require('../models/tag.js');`,
      ``,
      `module.exports = {`,
      `  async remove(ctx) {`,
      `    await Payment.select({ id: ctx.params.id }).del();`,
      `    await Payment.knex().where('id', ctx.params.id).update({ amount: 0 });`,
      `    await Tag.select({ id: 1 }).del();`,
      `    const rows = await Payment.select({ id: 1 });`,
      `    ctx.body = rows;`,
      `  },`,
      `};`,
      ``,
    ].join('\n'),
  };

  it("the base's own writes per model table (a constructor default is what the model hands over), and writes through builders its methods return, at the controller", async () => {
    expect(await findings(makeTree(files), { ...protect, include: ['**/*.js'] })).toEqual(
      ['controllers/payment.js:6 protected-write payments delete', 'controllers/payment.js:7 protected-write payments update', 'models/base.js:14 protected-write payments insert'].sort(),
    );
  });
});

describe('a connection held in a class field', () => {
  it('new Connect().knex is the knex instance the class field holds (haanhtuan0147/Online-Shop-FS layout): traced, not recognised by name', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { knex: '3', mysql: '2' } }),
      'config/connect.js': `module.exports = class Connect {\n  knex = require('knex')({ client: 'mysql', connection: {} });\n};\n`,
      'repository/repository.js': `const Connect = require('../config/connect');\nconst db = new Connect().knex;\n\nmodule.exports = class KnexRepository {\n  constructor(tableName) {\n    this.tableName = tableName;\n  }\n  remove(id) {\n    return db(this.tableName).where('id', id).del();\n  }\n};\n`,
      'repository/payment.js': `const KnexRepository = require('./repository');\nmodule.exports = class PaymentRepository extends KnexRepository {\n  constructor() {\n    super('payments');\n  }\n};\n`,
    });
    expect(await findings(root, { ...protect, include: ['**/*.js'] })).toEqual(['repository/repository.js:9 protected-write payments delete']);
  });
});

describe('a base repository holding both its knex instance and its table', () => {
  it('this.db(this.tableName).insert(…) with both stored from a destructured options object (super({ db, tableName: "payments" }))', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { knex: '3', pg: '8' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@utils/*': ['src/utils/*'], '@lib/*': ['src/lib/*'] } } }),
      'src/lib/knex.ts': `import knex from 'knex';\nexport const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });\n`,
      'src/utils/base-repository.utils.ts': `import { Knex } from 'knex';\n\nexport default abstract class BaseRepository<T extends object> {\n  protected db: Knex;\n  protected tableName: string;\n\n  constructor({ db, tableName }: { db: Knex; tableName: string }) {\n    this.db = db;\n    this.tableName = tableName;\n  }\n\n  async create(item: Omit<T, 'id'>): Promise<T> {\n    const [row] = await this.db(this.tableName).insert(item).returning('*');\n    return row;\n  }\n}\n`,
      'src/repos/payments.ts': `import BaseRepository from '@utils/base-repository.utils';\nimport { Knex } from 'knex';\nimport { db } from '@lib/knex';\n\nclass PaymentRepository extends BaseRepository<{ id: number; amount: string }> {\n  constructor(db: Knex) {\n    super({ db, tableName: 'payments' });\n  }\n}\n\nexport const paymentRepo = new PaymentRepository(db);\n`,
    });
    expect(await findings(root, protect)).toEqual(['src/utils/base-repository.utils.ts:13 protected-write payments insert']);
  });
});

describe("a subclass's own method writing its inherited table", () => {
  it('knex(this.table) in the subclass is the table it handed to super()', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { knex: '3', pg: '8' } }),
      'src/db.js': `module.exports = require('knex')({ client: 'pg' });\n`,
      'src/base.js': `const knex = require('./db');\nclass Base {\n  constructor(table) {\n    this.table = table;\n  }\n}\nmodule.exports = Base;\n`,
      'src/payments.js': `const knex = require('./db');\nconst Base = require('./base');\nclass Payments extends Base {\n  constructor() {\n    super('payments');\n  }\n  purge() {\n    return knex(this.table).del();\n  }\n}\nmodule.exports = new Payments();\n`,
    });
    expect(await findings(root, { ...protect, include: ['**/*.js'] })).toEqual(['src/payments.js:8 protected-write payments delete']);
  });
});

describe('MikroORM behind a generic base service', () => {
  it('this.repo.nativeDelete/insert with EntityRepository<T>: the repositories the subclasses hand to super()', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { '@mikro-orm/core': '6', '@mikro-orm/postgresql': '6', '@mikro-orm/nestjs': '6' } }),
      'src/payment.entity.ts': `import { Entity, PrimaryKey, Property } from '@mikro-orm/core';\n\n@Entity({ tableName: 'payments' })\nexport class Payment {\n  @PrimaryKey() id!: number;\n  @Property() amount!: string;\n}\n`,
      'src/base.service.ts': `import { EntityRepository } from '@mikro-orm/postgresql';\n\nexport abstract class BaseService<T extends object> {\n  constructor(protected readonly repo: EntityRepository<T>) {}\n  remove(id: number) {\n    return this.repo.nativeDelete({ id } as any);\n  }\n}\n`,
      'src/payments.service.ts': `import { InjectRepository } from '@mikro-orm/nestjs';\nimport { EntityRepository } from '@mikro-orm/postgresql';\nimport { BaseService } from './base.service';\nimport { Payment } from './payment.entity';\n\nexport class PaymentsService extends BaseService<Payment> {\n  constructor(@InjectRepository(Payment) repo: EntityRepository<Payment>) {\n    super(repo);\n  }\n}\n`,
    });
    expect(await findings(root, protect)).toEqual(['src/base.service.ts:6 protected-write payments delete']);
  });
});

describe('an untyped JavaScript base service over Sequelize', () => {
  it('this.model.create/destroy with constructor(model) { this.model = model } and super(Payment): the subclasses\' models', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { sequelize: '6' } }),
      'src/models.js': `const { Sequelize, Model, DataTypes } = require('sequelize');\nconst sequelize = new Sequelize(process.env.DATABASE_URL);\nclass Payment extends Model {}\nPayment.init({ amount: DataTypes.DECIMAL }, { sequelize, tableName: 'payments' });\nclass Tag extends Model {}\nTag.init({ label: DataTypes.STRING }, { sequelize, tableName: 'tags' });\nmodule.exports = { Payment, Tag };\n`,
      'src/base.service.js': `class BaseService {\n  constructor(model) {\n    this.model = model;\n  }\n  create(data) {\n    return this.model.create(data);\n  }\n  remove(id) {\n    return this.model.destroy({ where: { id } });\n  }\n}\nmodule.exports = BaseService;\n`,
      'src/payment.service.js': `const BaseService = require('./base.service');\nconst { Payment } = require('./models');\nclass PaymentService extends BaseService {\n  constructor() {\n    super(Payment);\n  }\n}\nmodule.exports = new PaymentService();\n`,
      'src/tag.service.js': `const BaseService = require('./base.service');\nconst { Tag } = require('./models');\nclass TagService extends BaseService {\n  constructor() {\n    super(Tag);\n  }\n}\nmodule.exports = new TagService();\n`,
      // A base of the same shape over something that is no model: nothing is said.
      'src/cache.js': `class Store {\n  constructor(map) {\n    this.model = map;\n  }\n  drop(id) {\n    return this.model.destroy(id);\n  }\n}\nclass MemoryStore extends Store {\n  constructor() {\n    super(new Map());\n  }\n}\nmodule.exports = new MemoryStore();\n`,
    });
    expect(await findings(root, { ...protect, include: ['**/*.js'] })).toEqual(['src/base.service.js:6 protected-write payments insert', 'src/base.service.js:9 protected-write payments delete']);
  });
});

describe('a helper handed its table by its callers', () => {
  it("knex(table) in removeFrom(table, id): each call's constant table; a caller passing a value not constant makes an unverifiable write", async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { knex: '3', pg: '8' } }),
      'src/db.ts': `import knex from 'knex';\nexport const db = knex({ client: 'pg' });\n\nexport function removeFrom(table: string, id: number) {\n  return db(table).where({ id }).del();\n}\n`,
      'src/use.ts': `import { removeFrom } from './db';\n\nexport async function cleanup(id: number) {\n  await removeFrom('payments', id);\n  await removeFrom('tags', id);\n}\n`,
    });
    expect(await findings(root, protect)).toEqual(['src/db.ts:5 protected-write payments delete']);
    const open = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { knex: '3', pg: '8' } }),
      'src/db.ts': `import knex from 'knex';\nexport const db = knex({ client: 'pg' });\n\nexport function removeFrom(table: string, id: number) {\n  return db(table).where({ id }).del();\n}\n`,
      'src/use.ts': `import { removeFrom } from './db';\n\nexport async function cleanup(id: number, other: string) {\n  await removeFrom('payments', id);\n  await removeFrom(other, id);\n}\n`,
    });
    expect(await findings(open, protect)).toEqual(['src/db.ts:5 protected-write payments delete', 'src/db.ts:5 unverifiable-sql']);
  });
});
