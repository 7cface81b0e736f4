import { describe, expect, it } from 'vitest';
import { assertCurrency, formatMoney, InvalidCurrencyError, minorDigits, normalizeDecimal, toMinor } from '../src/domain/money.js';

describe('normalizeDecimal', () => {
  it.each([
    ['12', '12'],
    ['12.50', '12.50'],
    ['12,50', '12.50'],
    ['12,5', '12.5'],
    ['1.234,56', '1234.56'],
    ['1,234.56', '1234.56'],
    ['1.234', '1234'],
    ['1,234', '1234'],
    ['1.234.567', '1234567'],
    ['1,234,567.89', '1234567.89'],
    ['0.125', '0.125'],
    ['12.', undefined],
    ['1,23,4', undefined],
    ['1.234,56,7', undefined],
    ['12:30', undefined],
  ])('%s -> %s', (raw, expected) => {
    expect(normalizeDecimal(raw)).toBe(expected);
  });
});

describe('minor units', () => {
  it.each([
    ['12.50', 'EUR', 1250],
    ['12.5', 'EUR', 1250],
    ['12', 'USD', 1200],
    ['1234.56', 'EUR', 123456],
    ['1200', 'JPY', 1200],
    ['12.00', 'JPY', 12],
    ['0.125', 'EUR', undefined],
    ['12.5', 'JPY', undefined],
  ])('%s %s -> %s', (decimal, currency, minor) => {
    expect(toMinor(decimal, currency)).toBe(minor);
  });

  it('formats with the currency\'s decimals and thousands grouped', () => {
    expect(formatMoney(1250, 'EUR')).toBe('12.50 EUR');
    expect(formatMoney(123456789, 'USD')).toBe('1,234,567.89 USD');
    expect(formatMoney(1200, 'JPY')).toBe('1,200 JPY');
    expect(formatMoney(-500, 'EUR')).toBe('-5.00 EUR');
  });

  it('knows which currencies exist', () => {
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(() => assertCurrency('euro')).toThrow(InvalidCurrencyError);
    expect(() => assertCurrency('EU')).toThrow(InvalidCurrencyError);
  });
});
