import { FinbrainError } from '../errors.js';

/** One rejected field: `amount: has 3 fraction digits; BDT allows at most 2`. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** Input that breaks the data standards; every issue names the field and why. */
export class StandardsValidationError extends FinbrainError {
  readonly exitCode = 2;
  readonly code = 'validation';
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '), {
      hint: 'Fix the named field(s); see the data standards in the README (runtime section).',
    });
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}
