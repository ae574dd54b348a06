/**
 * `startDevServer` from `@gatehouse/cli` in the test process, on 127.0.0.1 port 0, with a clock the
 * test can move and log lines kept in memory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '@gatehouse/cli';
import type { Logger } from '@gatehouse/core';
import { exampleConfig } from './paths.js';
import { createTempDir, type TempDir } from './temp-dir.js';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** The server's clock: real time shifted by `offsetMs`, or stopped at `frozenAt` when set. */
export interface TestClock {
  now(): number;
  offsetMs: number;
  frozenAt: number | undefined;
  /** Back to real time. */
  reset(): void;
}

export interface InProcessServer {
  readonly server: DevServer;
  readonly graphqlUrl: string;
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly clock: TestClock;
  readonly logs: LogLine[];
  /** The `amplify-resources.json` the server wrote: an `Amplify.configure` argument as-is. */
  readResources(): Promise<AmplifyResourcesFile>;
  close(): Promise<void>;
}

/** What the dev server writes to `amplify-resources.json`. */
export interface AmplifyResourcesFile {
  API: { GraphQL: { endpoint: string; region: string; defaultAuthMode: string; apiKey?: string } };
  Auth: {
    Cognito: {
      userPoolId: string;
      userPoolClientId: string;
      identityPoolId: string;
      allowGuestAccess: boolean;
      userPoolEndpoint: string;
      identityPoolEndpoint: string;
    };
  };
}

export async function startInProcess(
  options: { configPath?: string; dataDir?: string } = {},
): Promise<InProcessServer> {
  let temp: TempDir | undefined;
  let dataDir = options.dataDir;
  if (dataDir === undefined) {
    temp = await createTempDir('gatehouse-e2e-data-');
    dataDir = temp.path;
  }
  const logs: LogLine[] = [];
  const log =
    (level: LogLine['level']) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logs.push({ level, message, fields });
    };
  const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };
  const clock: TestClock = {
    offsetMs: 0,
    frozenAt: undefined,
    now() {
      return this.frozenAt ?? Date.now() + this.offsetMs;
    },
    reset() {
      this.offsetMs = 0;
      this.frozenAt = undefined;
    },
  };
  let server: DevServer;
  try {
    server = await startDevServer({
      configPath: options.configPath ?? exampleConfig,
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logger,
      now: () => clock.now(),
    });
  } catch (error) {
    await temp?.remove();
    throw error;
  }
  const resolvedDataDir = dataDir;
  return {
    server,
    graphqlUrl: server.graphqlUrl,
    baseUrl: server.baseUrl,
    dataDir,
    clock,
    logs,
    async readResources() {
      return JSON.parse(
        await readFile(join(resolvedDataDir, 'amplify-resources.json'), 'utf8'),
      ) as AmplifyResourcesFile;
    },
    async close() {
      await server.close();
      await temp?.remove();
    },
  };
}
