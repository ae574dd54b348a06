import { describe, expect, it } from 'vitest';
import { createDeadlines, timedOut } from './deadlines.js';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('createDeadlines', () => {
  it('settles with the value of an execution within the limit', async () => {
    const deadlines = createDeadlines(200);
    await expect(deadlines.race(later(5, 'done'))).resolves.toBe('done');
    expect(deadlines.pending).toBe(0);
  });

  it('times out only the executions that outlive the limit, among many at once', async () => {
    const deadlines = createDeadlines(40);
    const started = performance.now();
    const outcomes = await Promise.all([
      deadlines.race(later(1, 'a')),
      deadlines.race(later(300, 'slow')),
      deadlines.race(later(10, 'b')),
      deadlines.race(new Promise<string>(() => undefined)),
      deadlines.race(later(20, 'c')),
    ]);
    const elapsed = performance.now() - started;
    expect(outcomes).toEqual(['a', timedOut, 'b', timedOut, 'c']);
    // Within the limit plus one sweep interval (10 ms here), with room for a busy machine.
    expect(elapsed).toBeGreaterThanOrEqual(39);
    expect(elapsed).toBeLessThan(250);
    expect(deadlines.pending).toBe(0);
  });

  it('keeps its order when executions settle out of order, so later ones still time out', async () => {
    let clock = 0;
    const deadlines = createDeadlines(10, () => clock);
    const settlers: ((value: string) => void)[] = [];
    const races = Array.from({ length: 6 }, (_, index) => {
      clock = index;
      return deadlines.race(new Promise<string>((resolve) => settlers.push(resolve)));
    });
    // Settle the newest, the oldest and one in the middle; three stay pending.
    for (const index of [5, 0, 3]) settlers[index]?.(`done ${index}`);
    await expect(Promise.all([races[5], races[0], races[3]])).resolves.toEqual([
      'done 5',
      'done 0',
      'done 3',
    ]);
    expect(deadlines.pending).toBe(3);
    clock = 12; // past the limit of the executions started at 1 and 2, not of the one at 4
    await expect(Promise.all([races[1], races[2]])).resolves.toEqual([timedOut, timedOut]);
    expect(deadlines.pending).toBe(1);
    settlers[4]?.('done 4');
    await expect(races[4]).resolves.toBe('done 4');
    expect(deadlines.pending).toBe(0);
  });

  it('passes a rejection on as an Error', async () => {
    const deadlines = createDeadlines(200);
    await expect(deadlines.race(Promise.reject(new TypeError('broken')))).rejects.toThrow('broken');
    // A resolver may reject with anything; what comes out is still an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    await expect(deadlines.race(Promise.reject('plain'))).rejects.toThrow('plain');
    expect(deadlines.pending).toBe(0);
  });

  it('keeps the limit for executions started later than others, by a fake clock', async () => {
    let clock = 0;
    const deadlines = createDeadlines(4, () => clock);
    const first = deadlines.race(new Promise<string>(() => undefined));
    clock = 3;
    const second = deadlines.race(new Promise<string>(() => undefined));
    clock = 4;
    await expect(first).resolves.toBe(timedOut);
    expect(deadlines.pending).toBe(1);
    clock = 7;
    await expect(second).resolves.toBe(timedOut);
    expect(deadlines.pending).toBe(0);
  });

  it('refuses a limit that is not a positive number', () => {
    expect(() => createDeadlines(0)).toThrow(RangeError);
    expect(() => createDeadlines(Number.NaN)).toThrow(RangeError);
  });
});
