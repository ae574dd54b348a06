// `npm run bench`: Gatehouse's example server under load in each authorization mode, against two
// baselines measured in the same run. See bench/README.md.
//
// Environment (all optional):
//   BENCH_DURATION=3     measured seconds per load         BENCH_WARMUP=1   warm-up seconds per load
//   BENCH_ROUNDS=7       times each mode is loaded (each time between two graphql-js baseline loads)
//   BENCH_CONNECTIONS=50 autocannon connections            BENCH_ONLY=API_KEY,AWS_IAM   modes to run
//   BENCH_CPU_PROF=1     write a V8 CPU profile of the Gatehouse server to bench/results/profiles/
//   BENCH_STRICT=1       exit with code 1 when a mode misses its target ratio
//   BENCH_SERVER_NODE_ARGS="--flag …"   extra Node options for the Gatehouse server (experiments)
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchCredentials,
  benchDir,
  cliBin,
  configFile,
  median,
  positiveInteger,
  postsResolverFile,
  query,
  region,
  requestBody,
  rootDir,
  schemaFile,
  seedBodies,
} from './example.mjs';
import { signedHeaders } from './sigv4.mjs';

const resultsDir = join(benchDir, 'results');

const settings = {
  connections: positiveInteger('BENCH_CONNECTIONS', 50),
  warmupSeconds: positiveInteger('BENCH_WARMUP', 1),
  durationSeconds: positiveInteger('BENCH_DURATION', 3),
  rounds: positiveInteger('BENCH_ROUNDS', 7),
};
const only = process.env.BENCH_ONLY
  ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim()))
  : undefined;
const cpuProfile = process.env.BENCH_CPU_PROF === '1';
const serverNodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const strict = process.env.BENCH_STRICT === '1';

// Everything this run starts, so that a failure or Ctrl-C stops all of it.
const children = new Set();
const watchdog = setTimeout(
  () => fail(new Error('The bench ran for more than 10 minutes; stopping.')),
  10 * 60_000,
);
watchdog.unref();
process.on('SIGINT', () => fail(new Error('Interrupted.')));

function fail(error) {
  process.stderr.write(`\nbench failed: ${error.message}\n`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}

/** Starts a node child and resolves once a stdout line matches `ready`, with the match. */
function startNode(name, args, ready, { nodeArgs = [], cwd = rootDir } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => children.delete(child));
  const match = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not become ready in 30 s.\n${stderr}`)),
      30_000,
    );
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const found = ready.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready.\n${stderr}`));
    });
  });
  return match.then((found) => ({
    child,
    match: found,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  }));
}

async function post(url, headers, body) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

/** The headers of one request to a target (a SigV4 target is signed afresh each time). */
function headersFor(target, url) {
  if (target.sigv4) {
    return signedHeaders({ url, body: requestBody, ...target.sigv4, nonce: `verify-${Date.now()}` });
  }
  return { 'content-type': 'application/json', ...target.headers };
}

/** One request must answer 200 with data, no errors, and exactly the reference JSON. */
async function verify(target, url, expected) {
  const { status, text } = await post(url, headersFor(target, url), requestBody);
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const problems = [];
  if (status !== 200) problems.push(`status ${status}`);
  if (!parsed || parsed.data == null) problems.push('no data');
  if (parsed?.errors !== undefined) problems.push('errors in the response');
  if (expected !== undefined && text !== expected) problems.push('a response different from the reference');
  if (problems.length > 0) {
    throw new Error(`${target.name}: the check request got ${problems.join(', ')}:\n${text.slice(0, 2000)}`);
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere. */
async function cpuSecondsOf(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}
const clockTicksPerSecond = 100; // USER_HZ on Linux.

/**
 * Runs the load generator in its own process against `url`, and samples the CPU time of the
 * server process `serverPid` over the measured run (not the warm-up).
 */
function load(target, url, serverPid, seconds = settings) {
  const spec = {
    url,
    body: requestBody,
    connections: settings.connections,
    warmupSeconds: seconds.warmupSeconds,
    durationSeconds: seconds.durationSeconds,
    ...(target.sigv4 ? { sigv4: target.sigv4 } : { headers: headersFor(target, url) }),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(benchDir, 'load.mjs'), JSON.stringify(spec)], {
      cwd: rootDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const timer = setTimeout(
      () => child.kill('SIGKILL'),
      (seconds.warmupSeconds + seconds.durationSeconds + 60) * 1000,
    );
    let stdout = '';
    let stderr = '';
    let cpuStart;
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.stdout.on('data', (chunk) => {
      const before = stdout;
      stdout += chunk;
      if (!before.includes('measure-start\n') && stdout.includes('measure-start\n')) {
        cpuStart = cpuSecondsOf(serverPid);
      }
    });
    child.once('exit', async (code) => {
      clearTimeout(timer);
      children.delete(child);
      const cpuEnd = await cpuSecondsOf(serverPid);
      if (code !== 0) {
        reject(new Error(`The load generator failed on ${target.name} (exit ${code}): ${stderr}`));
        return;
      }
      const result = JSON.parse(stdout.trim().split('\n').pop());
      const start = await cpuStart;
      const serverCpuSeconds = start === undefined || cpuEnd === undefined ? undefined : cpuEnd - start;
      resolve({ ...result, serverCpuSeconds });
    });
  });
}

async function measure(target, url, expected, serverPid) {
  await verify(target, url, expected);
  process.stderr.write(`  ${target.name} …`);
  const result = await load(target, url, serverPid);
  process.stderr.write(` ${Math.round(result.requestsPerSecond)} req/s\n`);
  return { name: target.name, kind: target.kind, target: target.target, note: target.note, ...result };
}

/** Starts a baseline, loads it, stops it: a baseline runs only during its own measurement. */
async function measureBaseline(target, script, args, expected) {
  const baseline = await startNode(target.name, [join(benchDir, script), ...args], /ready (\S+)/);
  try {
    return await measure(target, baseline.match[1], expected, baseline.child.pid);
  } finally {
    await baseline.stop();
  }
}

function pad(value, width, right = false) {
  const text = String(value);
  return right ? text.padStart(width) : text.padEnd(width);
}

function printTable(rows) {
  const header = [
    'target',
    'req/s',
    'p99 ms',
    'ratio',
    'target',
    'result',
    'non-2xx',
    'cpu ratio',
    'srv µs/req',
    'srv cores',
    'ldr cores',
    'ratio per round',
  ];
  const widths = [40, 7, 6, 6, 7, 6, 7, 9, 10, 9, 9, 15];
  const line = (cells) =>
    cells
      .map((cell, i) => pad(cell, widths[i], i > 0 && i !== 5 && i !== 11))
      .join('  ')
      .replace(/\s+$/, '');
  const out = [line(header), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of rows) {
    out.push(
      line([
        row.name,
        Math.round(row.requestsPerSecond),
        row.latencyP99,
        `${row.ratio.toFixed(2)}×`,
        row.target === undefined ? '' : `≥${row.target.toFixed(2)}×`,
        row.target === undefined ? '' : row.pass ? 'pass' : 'FAIL',
        row.non2xx + row.errors + row.timeouts,
        row.cpuRatio === undefined ? '?' : `${row.cpuRatio.toFixed(2)}×`,
        row.serverCpuSeconds === undefined
          ? '?'
          : Math.round((row.serverCpuSeconds * 1e6) / row.requestsTotal),
        (row.serverCoreSeconds ?? row.serverCpuSeconds) === undefined
          ? '?'
          : ((row.serverCoreSeconds ?? row.serverCpuSeconds) / row.durationSeconds).toFixed(2),
        (row.loaderCpuSeconds / row.durationSeconds).toFixed(2),
        row.kind === 'mode' ? row.runs.map((run) => run.ratio.toFixed(2)).join(' ') : '',
      ]),
    );
  }
  process.stdout.write(`\n${out.join('\n')}\n`);
}

const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
/** Server CPU seconds per request of one load, when /proc could be read. */
const costOf = (run) =>
  run.serverCpuSeconds === undefined ? undefined : run.serverCpuSeconds / run.requestsTotal;
/** The reference of a mode load: the mean rate and CPU cost of the baseline loads given. */
const referenceOf = (runs) => ({
  rate: mean(runs.map((run) => run.requestsPerSecond)),
  cost: runs.some((run) => costOf(run) === undefined) ? undefined : mean(runs.map(costOf)),
});

/** Sets a load's ratio and cpu ratio against its `reference`. */
function withRatios(run) {
  run.ratio = run.requestsPerSecond / run.reference.rate;
  const cost = costOf(run);
  run.cpuRatio =
    cost === undefined || run.reference.cost === undefined ? undefined : run.reference.cost / cost;
  return run;
}

/**
 * One table row for several loads of a target: median rate, p99 and CPU cost per request; failed
 * requests summed; CPU and time summed so that the cores columns are averages over the loads.
 */
function medianRow(runs) {
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  const requestsTotal = sum('requestsTotal');
  const costs = runs.map(costOf);
  return {
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    latencyP99: median(runs.map((run) => run.latencyP99)),
    requestsTotal,
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    // Chosen so that `serverCpuSeconds / requestsTotal` is the median cost per request.
    serverCpuSeconds: costs.some((cost) => cost === undefined) ? undefined : median(costs) * requestsTotal,
    serverCoreSeconds: runs.some((run) => run.serverCpuSeconds === undefined)
      ? undefined
      : sum('serverCpuSeconds'),
    loaderCpuSeconds: sum('loaderCpuSeconds'),
    durationSeconds: sum('durationSeconds'),
  };
}

async function main() {
  const started = Date.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const profileDir = join(resultsDir, 'profiles');
  if (cpuProfile) await mkdir(profileDir, { recursive: true });
  let server;
  try {
    process.stderr.write(`Starting gatehouse dev (data ${dataDir})\n`);
    server = await startNode(
      'gatehouse dev',
      [cliBin, 'dev', '--config', configFile, '--data', dataDir, '--port', '0', '--host', '127.0.0.1'],
      /Gatehouse ready at (\S+)/,
      { nodeArgs: [...serverNodeArgs, ...(cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])] },
    );
    const url = server.match[1];

    // Credentials for every mode, through the CLI, as a user of the example would get them.
    const { accessToken, oidcToken, credentials, apiKey } = await benchCredentials(dataDir);
    for (const body of seedBodies) {
      const { status, text } = await post(
        url,
        { 'content-type': 'application/json', authorization: accessToken },
        body,
      );
      if (status !== 200 || JSON.parse(text).errors)
        throw new Error(`Seeding a post failed: ${status} ${text}`);
    }
    const reference = await post(
      url,
      { 'content-type': 'application/json', 'x-api-key': apiKey },
      requestBody,
    );
    if (reference.status !== 200)
      throw new Error(`The reference request failed: ${reference.status} ${reference.text}`);
    const expected = reference.text;
    const referenceFile = join(dataDir, 'bench-response.json');
    await writeFile(referenceFile, expected);

    const httpBaseline = { name: 'baseline: node:http, fixed JSON', kind: 'baseline' };
    const graphqlBaseline = { name: 'baseline: graphql-js, no auth', kind: 'baseline' };
    const modes = [
      { name: 'API_KEY', headers: { 'x-api-key': apiKey }, target: 0.85 },
      { name: 'AMAZON_COGNITO_USER_POOLS', headers: { authorization: accessToken }, target: 0.8 },
      {
        name: 'OPENID_CONNECT',
        headers: { authorization: oidcToken },
        target: 0.8,
        note: 'target by analogy with the user-pool JWT; not in the requirement',
      },
      { name: 'AWS_LAMBDA', headers: { authorization: 'custom-bench' }, target: 0.85 },
      { name: 'AWS_IAM', sigv4: { credentials, region }, target: 0.55 },
    ].filter((mode) => only === undefined || only.has(mode.name));

    process.stderr.write(
      `Loading: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per load, ${settings.rounds} rounds\n`,
    );
    // The graphql-js baseline is loaded before the first mode and after every mode load, in
    // several rounds; each mode load is compared with the mean of the two baseline loads around
    // it, and a mode's figures are the medians over its rounds. Drift and other load on the
    // machine then affect both sides of each ratio alike, and one disturbed load moves nothing.
    const httpRow = await measureBaseline(httpBaseline, 'baseline-http.mjs', [referenceFile], expected);
    const graphqlRun = () =>
      measureBaseline(
        graphqlBaseline,
        'baseline-graphql.mjs',
        [schemaFile, join(dataDir, 'gatehouse.db'), postsResolverFile],
        expected,
      );
    // One unmeasured load per mode first: the server then has every mode's path compiled before
    // round 1, as the baseline has its one path after its own warm-up.
    for (const mode of modes) {
      await verify(mode, url, expected);
      await load(mode, url, server.child.pid, {
        warmupSeconds: settings.warmupSeconds + 1,
        durationSeconds: 1,
      });
    }
    const graphqlRuns = [await graphqlRun()];
    const modeRuns = new Map(modes.map((mode) => [mode.name, []]));
    for (let round = 0; round < settings.rounds; round++) {
      for (const mode of modes) {
        const run = await measure({ ...mode, kind: 'mode' }, url, expected, server.child.pid);
        const before = graphqlRuns[graphqlRuns.length - 1];
        const after = await graphqlRun();
        graphqlRuns.push(after);
        run.reference = referenceOf([before, after]);
        modeRuns.get(mode.name).push(withRatios(run));
      }
    }
    const overall = referenceOf(graphqlRuns);
    const graphqlRow = {
      ...graphqlBaseline,
      name: `${graphqlBaseline.name} (median of ${graphqlRuns.length})`,
      ...medianRow(graphqlRuns),
      reference: overall,
      runs: graphqlRuns,
    };
    httpRow.reference = overall;
    const modeRows = modes.map((mode) => {
      const runs = modeRuns.get(mode.name);
      const row = { ...runs[0], ...medianRow(runs), runs };
      row.ratio = median(runs.map((run) => run.ratio));
      row.cpuRatio = runs.some((run) => run.cpuRatio === undefined)
        ? undefined
        : median(runs.map((run) => run.cpuRatio));
      row.pass = row.ratio >= row.target && row.non2xx === 0 && row.errors === 0 && row.timeouts === 0;
      return row;
    });
    for (const row of [httpRow, graphqlRow]) withRatios(row);
    const rows = [httpRow, graphqlRow, ...modeRows];
    printTable(rows);
    const failures = rows.filter((row) => row.target !== undefined && !row.pass);
    const unclean = rows.filter((row) => row.non2xx + row.errors + row.timeouts > 0);
    const spread = graphqlRuns.map((run) => Math.round(run.requestsPerSecond)).join(', ');
    process.stdout.write(
      `\nratio: a mode load's req/s over the mean of the graphql-js baseline loads just before and just after it;\n` +
        `a mode's ratios, req/s, p99 and µs/req are medians over its ${settings.rounds} rounds (baseline loads: ${spread} req/s).\n` +
        "cpu ratio: the same baselines' server CPU time per request over the mode's (less sensitive to other load).\n" +
        'srv µs/req: CPU time of the server process per request (all its threads); srv/ldr cores: CPU used by\n' +
        'the server and by the load generator during the measured loads (1.00 = one core busy all the time).\n' +
        `${settings.connections} connections, ${settings.durationSeconds} s per load after ${settings.warmupSeconds} s warm-up, ` +
        `${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}; ` +
        `${Math.round((Date.now() - started) / 1000)} s in all.\n` +
        (unclean.length > 0
          ? `Non-2xx, errors or timeouts under load: ${unclean.map((r) => r.name).join(', ')}.\n`
          : '') +
        (failures.length > 0
          ? `Missed: ${failures.map((r) => r.name).join(', ')}.\n`
          : 'Every mode met its target.\n'),
    );

    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      settings,
      query,
      // A string rather than a number array, so that the file is already in Prettier's layout.
      loadAverage: loadavg()
        .map((n) => n.toFixed(2))
        .join(' '),
      results: rows,
    };
    await mkdir(resultsDir, { recursive: true });
    const json = `${JSON.stringify(report, null, 2)}\n`;
    await writeFile(join(resultsDir, 'latest.json'), json);
    await writeFile(join(resultsDir, `run-${report.date.replace(/[:.]/g, '-')}.json`), json);
    process.stdout.write(`Results: ${join('bench', 'results', 'latest.json')}\n`);
    return strict && failures.length > 0 ? 1 : 0;
  } finally {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    if (cpuProfile) process.stderr.write(`CPU profile of the server: ${profileDir}\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => fail(error),
);
