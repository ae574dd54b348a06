import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseConfig, type DocumentStore, type GatehouseConfig } from '@gatehouse/core';
import {
  openIdentity,
  parseIdentityConfig,
  type IdentityConfig,
  type OpenedIdentity,
} from '@gatehouse/identity';
import { createSQLiteDocumentStore } from '@gatehouse/server';
import { UsageError } from './usage-error.js';

export const defaultConfigFile = 'gatehouse.config.json';
export const defaultDataDir = '.gatehouse';
export const databaseFile = 'gatehouse.db';
export const runtimeFile = 'server.json';

export interface LoadedConfig {
  readonly path: string;
  readonly dir: string;
  readonly config: GatehouseConfig;
}

/** Reads and validates a config file; every problem is a UsageError naming the field. */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch {
    throw new UsageError(`The config file "${path}" cannot be read.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The config file "${path}" is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return { path: absolute, dir: dirname(absolute), config: parseConfig(raw) };
  } catch (error) {
    throw new UsageError(`Invalid config "${path}": ${(error as Error).message}`);
  }
}

/** What the running dev server records about itself in its data dir. */
export interface RuntimeInfo {
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  readonly pid: number;
}

export async function readRuntimeInfo(dataDir: string): Promise<RuntimeInfo | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, runtimeFile), 'utf8')) as RuntimeInfo;
  } catch {
    return undefined;
  }
}

export async function writeJSON(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

export interface Workspace {
  readonly dataDir: string;
  readonly config: LoadedConfig | undefined;
  readonly region: string;
  readonly accountId: string;
  readonly store: DocumentStore;
  readonly identity: OpenedIdentity;
  close(): Promise<void>;
}

/**
 * Opens a data dir for the admin commands (usable while the server runs: SQLite in WAL mode).
 * The config, when given or present as `./gatehouse.config.json`, supplies region and account.
 */
export async function openWorkspace(flags: {
  data?: string | undefined;
  config?: string | undefined;
  credentialLifetimeSeconds?: number | undefined;
}): Promise<Workspace> {
  const dataDir = resolve(flags.data ?? defaultDataDir);
  const configPath = flags.config ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  const config = configPath === undefined ? undefined : await loadConfig(configPath);
  const runtime = await readRuntimeInfo(dataDir);
  if (!existsSync(join(dataDir, databaseFile))) {
    throw new UsageError(
      `No Gatehouse data in "${dataDir}": start "gatehouse dev" once, or pass "--data DIR".`,
    );
  }
  const region = config?.config.region ?? runtime?.region ?? 'us-east-1';
  const accountId = config?.config.accountId ?? runtime?.accountId ?? '123456789012';
  let identityConfig: IdentityConfig;
  try {
    identityConfig = parseIdentityConfig(config?.config.identity);
  } catch (error) {
    throw new UsageError(`Invalid config "${configPath ?? ''}": ${(error as Error).message}`);
  }
  const store = createSQLiteDocumentStore({ filename: join(dataDir, databaseFile) });
  const identity = await openIdentity({
    config: identityConfig,
    allowUnauthenticated: identityConfig.allowGuestAccess ?? true,
    store,
    dataDir,
    region,
    accountId,
    issuerBaseUrl: runtime ? new URL(runtime.url).origin : 'http://127.0.0.1:4000',
    ...(flags.credentialLifetimeSeconds !== undefined
      ? { credentialLifetimeSeconds: flags.credentialLifetimeSeconds }
      : {}),
  });
  return { dataDir, config, region, accountId, store, identity, close: () => store.close() };
}
