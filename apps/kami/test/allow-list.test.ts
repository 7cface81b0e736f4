import { describe, expect, it } from 'vitest';
import { AllowListError, describeAllowList, isAllowed, parseAllowList } from '../src/domain/allow-list.js';

const OWNER = '491701234567@c.us';
const FRIEND = '447700900123@c.us';
const STRANGER = '33612345678@c.us';
const GROUP = '120363012345678901@g.us';

describe('parseAllowList', () => {
  it('on WhatsApp with no list, allows only the owner', () => {
    const list = parseAllowList({ allowed: undefined, owner: '+49 170 1234567', simulator: false });
    expect(list).toEqual({ kind: 'only', chatIds: new Set([OWNER]) });
  });

  it('in the simulator with no list, allows everyone', () => {
    expect(parseAllowList({ allowed: '', owner: OWNER, simulator: true })).toEqual({ kind: 'everyone' });
  });

  it('in the simulator with a list, enforces it (so strangers can be tried locally)', () => {
    const list = parseAllowList({ allowed: FRIEND, owner: OWNER, simulator: true });
    expect(isAllowed(list, { chatId: STRANGER, from: STRANGER })).toBe(false);
    expect(isAllowed(list, { chatId: FRIEND, from: FRIEND })).toBe(true);
    expect(isAllowed(list, { chatId: OWNER, from: OWNER })).toBe(true);
  });

  it('takes numbers in any shape, chat ids and groups, and always adds the owner', () => {
    const list = parseAllowList({ allowed: ' +44 7700 900123 , 120363012345678901@g.us,,', owner: OWNER, simulator: false });
    expect(list).toEqual({ kind: 'only', chatIds: new Set([FRIEND, GROUP, OWNER]) });
    expect(describeAllowList(list)).toBe('3 chats');
  });

  it('"*" allows everyone, explicitly', () => {
    expect(parseAllowList({ allowed: '*', owner: undefined, simulator: false })).toEqual({ kind: 'everyone' });
    expect(describeAllowList({ kind: 'everyone' })).toBe('everyone');
  });

  it('refuses a real account with nobody allowed', () => {
    expect(() => parseAllowList({ allowed: undefined, owner: undefined, simulator: false })).toThrow(/set WHATSAPP_OWNER/);
  });

  it('names the bad entry', () => {
    expect(() => parseAllowList({ allowed: `${FRIEND},bob`, owner: OWNER, simulator: false })).toThrow(AllowListError);
    expect(() => parseAllowList({ allowed: `${FRIEND},bob`, owner: OWNER, simulator: false })).toThrow(/WHATSAPP_ALLOWED: "bob"/);
    expect(() => parseAllowList({ allowed: FRIEND, owner: 'me', simulator: false })).toThrow(/WHATSAPP_OWNER: "me"/);
  });
});

describe('isAllowed', () => {
  const list = parseAllowList({ allowed: FRIEND, owner: OWNER, simulator: false });

  it('allows listed people and nobody else', () => {
    expect(isAllowed(list, { chatId: OWNER, from: OWNER })).toBe(true);
    expect(isAllowed(list, { chatId: STRANGER, from: STRANGER })).toBe(false);
  });

  it('matches an "@lid" sender by the number the adapter resolved', () => {
    expect(isAllowed(list, { chatId: '1234@lid', from: '1234@lid', number: '447700900123' })).toBe(true);
    expect(isAllowed(list, { chatId: '1234@lid', from: '1234@lid', number: '33612345678' })).toBe(false);
    expect(isAllowed(list, { chatId: '1234@lid', from: '1234@lid' })).toBe(false);
  });

  it('allows a group only when the group itself is listed', () => {
    expect(isAllowed(list, { chatId: GROUP, from: OWNER })).toBe(false);
    const withGroup = parseAllowList({ allowed: `${FRIEND},${GROUP}`, owner: OWNER, simulator: false });
    expect(isAllowed(withGroup, { chatId: GROUP, from: STRANGER })).toBe(true);
  });
});
