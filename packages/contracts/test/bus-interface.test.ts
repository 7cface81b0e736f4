/**
 * The catalogue meets the bus's interfaces by shape, without either package importing the other at
 * run time: checked here, where the contracts' tests may use the bus.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { assertName, shardStreams, type ContractRegistry } from '@hive/bus';
import type { TopologyEdge as LiveEdge } from '@hive/bus/admin';
import { catalogue, createCatalogue, physicalStreams, waInbound, type TopologyEdge } from '../src/index.js';
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

  it('names the shards of a partitioned stream as the bus does, and checks a shard\'s entries against its stream', () => {
    for (const shards of [1, 2, 3, 16]) expect(physicalStreams({ name: 'wa.inbound', partitions: { shards, why: 'test' } })).toEqual(shardStreams('wa.inbound', shards));
    const split = createCatalogue([{ ...waInbound, partitions: { shards: 3, key: 'chatId', why: 'test' } }]);
    const registry: ContractRegistry = split;
    expect(registry.partitioning?.('wa.inbound')).toEqual({ shards: 3, key: 'chatId' });
    expect(registry.find('wa.inbound.2', 'wa.message')?.stream).toBe('wa.inbound');
    expect(registry.find('wa.inbound.3', 'wa.message')).toBeUndefined();
    expect(catalogue.partitioning('wa.inbound')).toBeUndefined();
  });
});
