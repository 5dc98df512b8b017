/**
 * Money amounts as decimal strings, never through a float: a JS number is
 * accepted only when its shortest round-trip text is a plain decimal, so
 * `0.1 + 0.2` (0.30000000000000004) is rejected instead of silently rounded.
 */

export type AmountResult = { ok: true; value: string } | { ok: false; message: string };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Scales a canonical decimal string to an integer of `scale` fraction digits. */
function scaled(intPart: string, frac: string, scale: number): bigint {
  return BigInt(intPart + frac.padEnd(scale, '0').slice(0, scale));
}

export function normalizeAmount(input: unknown, minorUnit: number, maxAmount: string): AmountResult {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, message: `must be a finite number, got ${input}` };
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else if (typeof input === 'bigint') {
    text = input.toString();
  } else {
    return { ok: false, message: `must be a decimal string or number, got ${input === null ? 'null' : typeof input}` };
  }
  if (text.startsWith('-')) return { ok: false, message: `must be positive, got ${JSON.stringify(text)}` };
  const m = DECIMAL.exec(text.startsWith('+') ? text.slice(1) : text);
  if (!m) return { ok: false, message: `must be a plain decimal like 125.50, got ${JSON.stringify(String(input))}` };
  const intPart = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > minorUnit) {
    return {
      ok: false,
      message: `has ${frac.length} fraction digits in ${JSON.stringify(String(input))}; at most ${minorUnit} allowed for this currency`,
    };
  }
  const scale = 4;
  const value = scaled(intPart, frac, scale);
  if (value <= 0n) return { ok: false, message: `must be greater than 0, got ${JSON.stringify(String(input))}` };
  const [maxInt, maxFrac = ''] = maxAmount.split('.');
  if (value > scaled(maxInt!, maxFrac, scale)) {
    return { ok: false, message: `${text} exceeds the maximum ${maxAmount} (standards.maxAmount)` };
  }
  return { ok: true, value: frac ? `${intPart}.${frac}` : intPart };
}
