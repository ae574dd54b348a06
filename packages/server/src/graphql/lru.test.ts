import { describe, expect, it } from 'vitest';
import { LRUCache } from './lru.js';

function filled(max: number, count = max): LRUCache<string, number> {
  const cache = new LRUCache<string, number>(max);
  for (let index = 0; index < count; index++) cache.set(`k${index}`, index);
  return cache;
}

describe('LRUCache', () => {
  it('evicts the oldest entry that was not read since', () => {
    const cache = filled(4);
    cache.set('k4', 4);
    expect(cache.size).toBe(4);
    expect(cache.get('k0')).toBeUndefined();
    expect([1, 2, 3, 4].map((index) => cache.get(`k${index}`))).toEqual([1, 2, 3, 4]);
  });

  it('keeps an entry read after half the capacity was stored since it', () => {
    const cache = filled(4);
    expect(cache.get('k0')).toBe(0); // four stores since k0: moved to the newest end
    cache.set('k4', 4);
    cache.set('k5', 5);
    expect(cache.get('k0')).toBe(0);
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k2')).toBeUndefined();
  });

  it('never evicts an entry stored or read within the last max / 2 stores', () => {
    const max = 8;
    const cache = new LRUCache<string, number>(max);
    cache.set('hot', -1);
    for (let index = 0; index < 100; index++) {
      cache.set(`k${index}`, index);
      if (index % (max / 2) === 0) expect(cache.get('hot')).toBe(-1);
      expect(cache.size).toBeLessThanOrEqual(max);
    }
  });

  it('replaces the value of a key stored again', () => {
    const cache = filled(2);
    cache.set('k0', 10);
    expect(cache.get('k0')).toBe(10);
    expect(cache.size).toBe(2);
    cache.delete('k0');
    expect(cache.get('k0')).toBeUndefined();
  });

  it('works with a capacity of one and refuses a capacity below one', () => {
    const cache = filled(1, 3);
    expect(cache.get('k2')).toBe(2);
    expect(cache.get('k1')).toBeUndefined();
    expect(() => new LRUCache(0)).toThrow(RangeError);
    expect(() => new LRUCache(1.5)).toThrow(RangeError);
  });
});
