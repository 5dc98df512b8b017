import { describe, expect, it } from 'vitest';
import { StandardsValidationError, normalizeCurrency, validateExpense, currencyMinorUnit } from '../../src/index.js';

function issuesOf(input: unknown, standards?: Parameters<typeof validateExpense>[1]): string[] {
  try {
    validateExpense(input, standards);
  } catch (e) {
    expect(e).toBeInstanceOf(StandardsValidationError);
    return (e as StandardsValidationError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  throw new Error('expected a validation error');
}

describe('core protection tests: data standards', () => {
  it.each([
    ['tk', 'BDT'],
    ['Tk.', 'BDT'],
    ['taka', 'BDT'],
    ['৳', 'BDT'],
    ['$', 'USD'],
    ['€', 'EUR'],
    ['£', 'GBP'],
    ['₹', 'INR'],
    ['usd', 'USD'],
    [' bdt ', 'BDT'],
    ['JPY', 'JPY'],
  ])('normalises the currency %j to %s', (input, code) => {
    expect(normalizeCurrency(input)).toBe(code);
    expect(validateExpense({ userId: 1, amount: '10', currency: input }).currency).toBe(code);
  });

  it('rejects an unknown currency, naming the value and the field', () => {
    expect(issuesOf({ userId: 1, amount: '10', currency: 'doubloons' })).toEqual([expect.stringMatching(/^currency: unknown currency "doubloons"/)]);
    expect(normalizeCurrency('XYZ')).toBeUndefined();
  });

  it('takes minor units from ICU', () => {
    expect(currencyMinorUnit('BDT')).toBe(2);
    expect(currencyMinorUnit('JPY')).toBe(0);
    expect(currencyMinorUnit('BHD')).toBe(3);
  });

  it('keeps amounts exact and rejects what a float would round', () => {
    expect(validateExpense({ userId: 1, amount: '125.50' }).amount).toBe('125.5');
    expect(validateExpense({ userId: 1, amount: 99.99 }).amount).toBe('99.99');
    expect(validateExpense({ userId: 1, amount: '999999999.99' }).amount).toBe('999999999.99');
    expect(validateExpense({ userId: 1, amount: '0.123', currency: 'BHD' }).amount).toBe('0.123');
    expect(issuesOf({ userId: 1, amount: 0.1 + 0.2 })).toEqual([expect.stringMatching(/^amount: has 17 fraction digits/)]);
    expect(issuesOf({ userId: 1, amount: '10.005' })).toEqual([expect.stringMatching(/^amount: has 3 fraction digits .* at most 2/)]);
    expect(issuesOf({ userId: 1, amount: '100.5', currency: 'JPY' })).toEqual([expect.stringMatching(/at most 0/)]);
  });

  it.each([
    ['0', /must be greater than 0/],
    ['-5', /must be positive/],
    ['1e3', /plain decimal/],
    ['abc', /plain decimal/],
    ['1000000000.01', /exceeds the maximum 1000000000 \(standards.maxAmount\)/],
  ])('rejects the amount %j', (amount, why) => {
    expect(issuesOf({ userId: 1, amount })).toEqual([expect.stringMatching(new RegExp(`^amount: .*${why.source}`))]);
  });

  it('honours a configured maxAmount and allowed sources', () => {
    const standards = { maxAmount: '500', allowedSources: ['chat', 'pos'] };
    expect(issuesOf({ userId: 1, amount: '501' }, standards)[0]).toMatch(/exceeds the maximum 500/);
    expect(validateExpense({ userId: 1, amount: '5', source: ' POS ' }, standards).source).toBe('pos');
    expect(issuesOf({ userId: 1, amount: '5', source: 'form' }, standards)[0]).toMatch(/^source: "form" is not an allowed source; allowed: chat, pos/);
  });

  it('normalises source case and whitespace', () => {
    expect(validateExpense({ userId: 1, amount: '1', source: '  Chat\t' }).source).toBe('chat');
    expect(validateExpense({ userId: 1, amount: '1', source: 'API' }).source).toBe('api');
  });

  it('names every wrong field at once', () => {
    const issues = issuesOf({ amount: '-1', currency: '??', source: 'fax' });
    expect(issues.map((i) => i.split(':')[0])).toEqual(expect.arrayContaining(['userId', 'currency', 'amount', 'source']));
    expect(issues.find((i) => i.startsWith('userId'))).toBe('userId: is required');
  });
});
