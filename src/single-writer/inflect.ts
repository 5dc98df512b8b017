import { createRequire } from 'node:module';

/**
 * The `inflection` package, which Sequelize itself uses to name tables and
 * association mixins: the same words come out here as in the ORM.
 */
const { pluralize, singularize, underscore } = createRequire(import.meta.url)('inflection') as {
  pluralize(s: string): string;
  singularize(s: string): string;
  underscore(s: string): string;
};

export { pluralize, singularize, underscore };

/** Sequelize's `upperFirst`: `purchases` → `Purchases`. */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
