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

  it('no subclass in the run (the base published on its own), or one handing on a repository not traced here: unverifiable, never silent', async () => {
    const alone = makeTree({ 'package.json': files['package.json'], 'src/common/base.service.ts': files['src/common/base.service.ts'] });
    expect(await findings(alone, protect)).toEqual(['src/common/base.service.ts:11 unverifiable-sql', 'src/common/base.service.ts:7 unverifiable-sql']);
    const untraced = makeTree({
      ...files,
      'src/any/any.service.ts': `import { Repository } from 'typeorm';\nimport { BaseService } from '../common/base.service';\n\nexport class AnyService<T extends object> extends BaseService<T> {\n  constructor(repo: Repository<T>) {\n    super(repo);\n  }\n}\n`,
    });
    expect((await findings(untraced, protect)).filter((f) => f.startsWith('src/common/'))).toEqual(['src/common/base.service.ts:11 unverifiable-sql', 'src/common/base.service.ts:7 unverifiable-sql']);
  });
});
