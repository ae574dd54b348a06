// The load generator, run as its own process: autocannon against one target, a warm-up run
// then a measured run. Reads a JSON spec from argv[2] and prints one JSON result line.
// Spec: { url, body, headers?, sigv4?: { credentials, region }, connections, warmupSeconds, durationSeconds }
import autocannon from 'autocannon';
import { signedHeaders } from './sigv4.mjs';

const spec = JSON.parse(process.argv[2]);

function options(duration) {
  const base = {
    url: spec.url,
    method: 'POST',
    connections: spec.connections,
    duration,
    timeout: 10,
    body: spec.body,
    headers: spec.headers ?? {},
  };
  if (!spec.sigv4) return base;
  // A fresh signature for every request, with the current x-amz-date.
  let nonce = 0;
  const { credentials, region } = spec.sigv4;
  return {
    ...base,
    headers: {},
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          nonce += 1;
          request.headers = signedHeaders({ url: spec.url, body: spec.body, credentials, region, nonce });
          return request;
        },
      },
    ],
  };
}

function run(duration) {
  return new Promise((resolve, reject) => {
    autocannon(options(duration), (error, result) => (error ? reject(error) : resolve(result)));
  });
}

if (spec.warmupSeconds > 0) await run(spec.warmupSeconds);
// Tells the parent when the measured run starts, so that it can sample the server's CPU time.
process.stdout.write('measure-start\n');
const cpuBefore = process.cpuUsage();
const result = await run(spec.durationSeconds);
const cpu = process.cpuUsage(cpuBefore);
const summary = {
  requestsPerSecond: result.requests.average,
  requestsTotal: result.requests.total,
  latencyP50: result.latency.p50,
  latencyP99: result.latency.p99,
  latencyMax: result.latency.max,
  ok2xx: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  durationSeconds: result.duration,
  loaderCpuSeconds: (cpu.user + cpu.system) / 1e6,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
