// Summarises a V8 .cpuprofile (from BENCH_CPU_PROF=1): self time by function and by file,
// and inclusive time of the functions whose name or file matches an optional filter.
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP=25]
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] ?? 25);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
// Percentages are of the busy samples: the server idles between targets and during baselines.
const idleIds = new Set(
  profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id),
);
const total = profile.samples.filter((id) => !idleIds.has(id)).length;

const short = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'node_modules/')
    .replace(/.*\/packages\//, 'packages/');
const label = (frame) =>
  `${frame.functionName || '(anonymous)'}  ${short(frame.url)}:${frame.lineNumber + 1}`;

// Inclusive samples: a node's own plus its descendants', counted once per function per stack.
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map();
for (const [id, count] of selfSamples) {
  if (idleIds.has(id)) continue;
  const seen = new Set();
  for (let current = id; current !== undefined; current = parent.get(current)) {
    const key = label(byId.get(current).callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + count);
  }
}

const self = new Map();
const files = new Map();
for (const [id, count] of selfSamples) {
  if (idleIds.has(id)) continue;
  const frame = byId.get(id).callFrame;
  self.set(label(frame), (self.get(label(frame)) ?? 0) + count);
  const file = frame.url ? short(frame.url) : `(${frame.functionName || 'native'})`;
  files.set(file, (files.get(file) ?? 0) + count);
}

const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [key, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`${pct(count)}  ${key}`);
};
console.log(`${total} busy samples of ${profile.samples.length}`);
print('Self time by function', self, top);
print('Self time by file', files, top);
print(
  'Inclusive time (gatehouse packages and examples)',
  new Map([...inclusive].filter(([k]) => /packages\/|examples\//.test(k))),
  top,
);
