import { describe, expect, it } from 'vitest';
import { InvalidChatIdError, isBroadcastChat, isGroupChat, numberOf, toChatId, tryChatId } from '../src/domain/chat-id.js';

describe('toChatId', () => {
  it.each([
    ['+49 170 1234567', '491701234567@c.us'],
    ['0049-170-1234567', '491701234567@c.us'],
    ['(415) 555 0100', '4155550100@c.us'],
    ['491701234567', '491701234567@c.us'],
    ['491701234567@c.us', '491701234567@c.us'],
    ['491701234567@s.whatsapp.net', '491701234567@c.us'],
    ['120363012345678901@g.us', '120363012345678901@g.us'],
    ['123456789012345@lid', '123456789012345@lid'],
    ['  491701234567  ', '491701234567@c.us'],
  ])('%s → %s', (input, expected) => {
    expect(toChatId(input)).toBe(expected);
  });

  it.each(['', 'abc', '1234', '+49 170 12x4567', 'bob@example.com', '@c.us', '1'.repeat(21)])('rejects %j with a named error', (input) => {
    expect(() => toChatId(input)).toThrow(InvalidChatIdError);
    expect(tryChatId(input)).toBeUndefined();
  });

  it('says what a valid value looks like', () => {
    expect(() => toChatId('nope')).toThrow(/country code.*491701234567@c\.us/);
  });
});

describe('chat kinds', () => {
  it('tells groups, people and broadcasts apart', () => {
    expect(isGroupChat('120363012345678901@g.us')).toBe(true);
    expect(isGroupChat('491701234567@c.us')).toBe(false);
    expect(numberOf('491701234567@c.us')).toBe('491701234567');
    expect(numberOf('120363012345678901@g.us')).toBeUndefined();
    expect(numberOf('123@lid')).toBeUndefined();
    expect(isBroadcastChat('status@broadcast')).toBe(true);
    expect(isBroadcastChat('1234@newsletter')).toBe(true);
    expect(isBroadcastChat('491701234567@c.us')).toBe(false);
  });
});
