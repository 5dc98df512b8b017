/**
 * Money as decimal text, never through a float: the input is validated and
 * canonicalised digit by digit and stored as numeric. Only plain decimals are
 * accepted: digits with at most one "." (no digit separators like "1_000" or
 * "1,000", no exponents, no NaN or Infinity). Every reason says what is expected.
 */
export interface AmountCheck {
  ok: boolean;
  value?: string;
  reason?: string;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const EXPECTED = 'expected a plain decimal number such as "1250.50" (digits and at most one ".")';

function describe(input: unknown): string {
  if (typeof input === 'number' && Number.isNaN(input)) return 'NaN';
  if (typeof input === 'string') return JSON.stringify(input);
  return String(input);
}

export function checkAmount(input: unknown, fractionDigits: number, max: string): AmountCheck {
  if (typeof input === 'number' && !Number.isFinite(input)) return { ok: false, reason: `${describe(input)} is not an amount; ${EXPECTED}` };
  if (typeof input !== 'string' && typeof input !== 'number' && typeof input !== 'bigint') {
    return { ok: false, reason: `${input === undefined ? 'is missing' : `a ${input === null ? 'null' : typeof input} is not an amount`}; ${EXPECTED}` };
  }
  // A JS number prints as a decimal unless it is huge or tiny (then exponent form, refused below).
  const text = typeof input === 'string' ? input.trim() : input.toString();
  const unsigned = text.startsWith('+') ? text.slice(1) : text;
  const m = DECIMAL.exec(unsigned);
  if (!m) {
    if (text.startsWith('-') && DECIMAL.test(text.slice(1))) return { ok: false, reason: `${describe(input)} is negative; expected an amount greater than zero` };
    return { ok: false, reason: `${describe(input)} is not a plain decimal number; ${EXPECTED}` };
  }
  const int = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > fractionDigits) {
    return { ok: false, reason: `${describe(input)} has ${frac.length} decimal places; expected at most ${fractionDigits} for this currency` };
  }
  if (/^0+$/.test(int) && !/[1-9]/.test(frac)) return { ok: false, reason: `${describe(input)} is zero; expected an amount greater than zero` };
  if (compareDecimal(`${int}${frac ? `.${frac}` : ''}`, max) > 0) return { ok: false, reason: `${describe(input)} exceeds the maximum; expected at most ${max}` };
  return { ok: true, value: frac ? `${int}.${frac}` : int };
}

/** Compares two non-negative canonical decimal strings. */
export function compareDecimal(a: string, b: string): number {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  if (ai!.length !== bi!.length) return ai!.length < bi!.length ? -1 : 1;
  if (ai !== bi) return ai! < bi! ? -1 : 1;
  const len = Math.max(af.length, bf.length);
  const x = af.padEnd(len, '0');
  const y = bf.padEnd(len, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}
