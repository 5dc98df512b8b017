import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/** A validator for the SARIF 2.1.0 JSON schema, as shipped by Microsoft's SARIF tooling package. */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(new URL('../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8'));
  // Both packages are CommonJS with a default export.
  const AjvCtor = ((Ajv as unknown as { default?: typeof Ajv }).default ?? Ajv) as unknown as new (o: object) => import('ajv').default;
  const formats = ((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats) as unknown as (a: unknown) => void;
  // The schema's patterns are not valid under the `u` flag.
  const ajv = new AjvCtor({ allErrors: true, strict: false, unicodeRegExp: false });
  formats(ajv);
  return ajv.compile(schema);
}
