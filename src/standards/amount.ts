/**
 * Money as decimal text, never through a float: the string is validated and
 * canonicalised digit by digit and stored as numeric.
 */
export interface AmountCheck {
  ok: boolean;
  value?: string;
  reason?: string;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export function checkAmount(input: string | number | bigint, fractionDigits: number, max: string): AmountCheck {
  if (typeof input === 'number' && !Number.isFinite(input)) return { ok: false, reason: 'must be a finite number' };
  const text = (typeof input === 'string' ? input : input.toString()).trim().replace(/_/g, '');
  const m = DECIMAL.exec(text.startsWith('+') ? text.slice(1) : text);
  if (!m) return { ok: false, reason: text.startsWith('-') ? 'must be positive' : `"${text}" is not a decimal number (use digits and one "." like 1250.50)` };
  const int = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > fractionDigits) return { ok: false, reason: `has ${frac.length} decimal places; this currency allows at most ${fractionDigits}` };
  if (/^0+$/.test(int) && !/[1-9]/.test(frac)) return { ok: false, reason: 'must be greater than zero' };
  if (compareDecimal(`${int}${frac ? `.${frac}` : ''}`, max) > 0) return { ok: false, reason: `exceeds the maximum of ${max}` };
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
