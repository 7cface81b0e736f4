/**
 * The catalogue meets the bus's interfaces by shape, without either package importing the other at
 * run time: checked here, where the contracts' tests may use the bus.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { assertName, type ContractRegistry } from '@hive/bus';
import type { TopologyEdge as LiveEdge } from '@hive/bus/admin';
import { catalogue, type TopologyEdge } from '../src/index.js';
import { STREAM_NAME } from '../src/catalogue.js';

describe('the contracts against the bus', () => {
  it('the catalogue is a ContractRegistry, and a derived topology edge is a live one', () => {
    expectTypeOf(catalogue).toExtend<ContractRegistry>();
    expectTypeOf<TopologyEdge>().toEqualTypeOf<LiveEdge>();
    const registry: ContractRegistry = catalogue;
    expect(registry.find('wa.inbound', 'wa.message')?.version).toBeGreaterThanOrEqual(1);
    expect(registry.find('wa.inbound', 'no.such.type')).toBeUndefined();
  });

  it('accepts exactly the stream names the bus accepts', () => {
    const names = ['wa.inbound', 'a', 'A-b_c.9', '9lives', 'x'.repeat(128), 'x'.repeat(129), '', '.hidden', '-dash', 'has space', 'colon:s', 'slash/s', 'ünï'];
    for (const name of names) {
      let busAccepts = true;
      try {
        assertName('stream', name);
      } catch {
        busAccepts = false;
      }
      expect(STREAM_NAME.test(name), name).toBe(busAccepts);
    }
  });
});
