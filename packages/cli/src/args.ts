import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Runs a `node:util` parseArgs call; unknown or malformed flags become a UsageError. */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function integerOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`"--${name}" must be an integer from ${min} to ${max}.`);
  }
  return number;
}

export function requirePositional(positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`Missing ${what}.`);
  return value;
}

/** Common flags of every command that works on a data dir. */
export const dataOptions = {
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies Options;
