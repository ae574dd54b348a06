/**
 * The real `gatehouse` CLI as child processes: admin commands with `--data DIR --json`, and
 * `gatehouse dev` waiting for its ready line. Every process started here is killed at exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { assertCLIBuilt, cliBin } from './paths.js';

export interface CLIResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Working directory; defaults to the OS temp dir so no `./gatehouse.config.json` is picked up. */
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Runs `gatehouse ...args` to completion. */
export function runCLI(args: readonly string[], options: RunOptions = {}): Promise<CLIResult> {
  assertCLIBuilt();
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: options.cwd ?? process.env['TMPDIR'] ?? '/tmp',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`"gatehouse ${args.join(' ')}" did not finish within ${timeoutMs} ms.`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Admin commands on one data dir, each with `--data DIR --json`. */
export interface AdminCLI {
  readonly dataDir: string;
  /** Runs the command; resolves to its result whatever the exit code. */
  run(...args: string[]): Promise<CLIResult>;
  /** Runs the command, expects exit code 0 and one JSON document on stdout, and returns it parsed. */
  json<T = unknown>(...args: string[]): Promise<T>;
}

export function adminCLI(dataDir: string, extraArgs: readonly string[] = []): AdminCLI {
  const run = (...args: string[]) => runCLI([...args, ...extraArgs, '--data', dataDir, '--json']);
  return {
    dataDir,
    run,
    async json<T>(...args: string[]): Promise<T> {
      const result = await run(...args);
      if (result.code !== 0) {
        throw new Error(`"gatehouse ${args.join(' ')}" exited with ${String(result.code)}: ${result.stderr}`);
      }
      return JSON.parse(result.stdout) as T;
    },
  };
}

export interface SpawnedDevServer {
  readonly child: ChildProcess;
  readonly graphqlUrl: string;
  /** `http://HOST:PORT`. */
  readonly baseUrl: string;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const readyLine = /^Gatehouse ready at (http:\/\/[^\s/]+)\/graphql$/m;

/** Starts `gatehouse dev --port 0` and resolves once it prints its ready line. */
export function spawnDevServer(options: {
  configPath: string;
  dataDir: string;
  host?: string;
  cwd?: string;
  timeoutMs?: number;
}): Promise<SpawnedDevServer> {
  assertCLIBuilt();
  const timeoutMs = options.timeoutMs ?? 20_000;
  const args = ['dev', '--config', options.configPath, '--data', options.dataDir, '--port', '0'];
  if (options.host !== undefined) args.push('--host', options.host);
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: options.cwd ?? process.env['TMPDIR'] ?? '/tmp',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`"gatehouse dev" was not ready within ${timeoutMs} ms. stderr: ${stderr}`));
    }, timeoutMs);
    const onData = () => {
      const match = readyLine.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      const baseUrl = match[1];
      resolve({
        child,
        baseUrl,
        graphqlUrl: `${baseUrl}/graphql`,
        stdout: () => stdout,
        stderr: () => stderr,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `"gatehouse dev" exited (code ${String(code)}, signal ${String(signal)}) before it was ready. stderr: ${stderr}`,
        ),
      );
    });
  });
}
