import { describe, expect, it } from 'vitest';
import { checkCompatibility, compatSnapshot } from '../src/index.js';
import { editions } from './fixtures/compat-fixtures.js';

const committed = compatSnapshot(editions.base);
const check = (edition: keyof typeof editions) => checkCompatibility(committed, compatSnapshot(editions[edition]));

describe('compatibility check against a committed snapshot', () => {
  it('passes on the unchanged catalogue and on changed descriptions', () => {
    expect(check('base')).toEqual([]);
    expect(check('describedDifferently')).toEqual([]);
  });

  it('passes on an added optional field', () => {
    expect(check('addedOptionalField')).toEqual([]);
  });

  it('passes on a removed optional field (old entries still validate; old readers never needed it)', () => {
    expect(check('removedOptionalField')).toEqual([]);
  });

  it('fails on a removed required field', () => {
    expect(check('removedRequiredField')).toEqual(['fx.expenses/fx.expense v1: required field "chatId" was removed']);
  });

  it('fails on an added required field', () => {
    expect(check('addedRequiredField')).toEqual(['fx.expenses/fx.expense v1: new required field "currency"']);
  });

  it('fails when a field changes between required and optional', () => {
    expect(check('madeRequiredOptional')).toEqual(['fx.expenses/fx.expense v1: field "chatId" became optional']);
    expect(check('madeOptionalRequired')).toEqual(['fx.expenses/fx.expense v1: field "note" became required']);
  });

  it('fails on a changed type, enum or constraint, and inside arrays of objects', () => {
    expect(check('changedFieldType')).toEqual(['fx.expenses/fx.expense v1: field "amountMinor" changed from "integer" to "string"']);
    expect(check('addedEnumValue')).toEqual(['fx.expenses/fx.expense v1: field "category" changed from enum ["food","rent"] to enum ["food","rent","travel"]']);
    expect(check('tightenedConstraint')).toEqual(['fx.expenses/fx.expense v1: the constraints of field "chatId" changed']);
    expect(check('removedNestedRequiredField')).toEqual(['fx.expenses/fx.expense v1: required field "items[].qty" was removed']);
  });

  it('passes on an incompatible change made as a new version that keeps the old one readable', () => {
    expect(check('addedRequiredFieldWithNewVersion')).toEqual([]);
  });

  it('fails on a new version that drops the old one, and on a removed type', () => {
    expect(check('newVersionDroppingTheOldOne')).toEqual([expect.stringMatching(/^fx.expenses\/fx.expense: v1 is no longer readable/)]);
    expect(check('removedType')).toEqual(['fx.expenses/fx.expense: type was removed']);
  });

  it('the new version really upcasts old entries', () => {
    const r = editions.addedRequiredFieldWithNewVersion.find('fx.expenses', 'fx.expense')!.decode({ chatId: 'c', amountMinor: 5, category: 'food', items: [] }, 1);
    expect(r).toEqual({ ok: true, data: { chat: 'c', amountMinor: 5, category: 'food', items: [], currency: 'EUR' } });
  });
});
