// A CPU profile of Wakala's /ussd under the benchmark's load:
//   node --import tsx bench/ussd/profile.ts [--seconds 10] [--concurrency 32] [--out FILE]
// Starts wakala-server.ts, gives every contact its first dial and a
// two-second warm-up, then profiles only the measured walks (SIGUSR2 starts
// the profiler in the server, SIGTERM writes it) and prints where the
// samples went: by part of the code and the heaviest functions.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type WalkStep } from './load.ts';
import { summariseProfile, type CpuProfile } from './profile-summary.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
    out: { type: 'string' },
  },
});
const out =
  values.out ??
  join(mkdtempSync(join(tmpdir(), 'wakala-prof-')), 'ussd.cpuprofile');
const port = 4600 + (process.pid % 300);

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    new URL('./wakala-server.ts', import.meta.url).pathname,
    String(port),
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_CPU_PROFILE: out },
  },
);
let output = '';
const waiters: Array<() => void> = [];
child.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString();
  for (const wake of waiters.splice(0)) wake();
});
child.on('exit', (code) => {
  if (code !== 0) process.stderr.write(`server exited with ${code}\n`);
});

/** Resolves with the first line of the server's output starting so. */
async function line(prefix: string): Promise<string> {
  for (;;) {
    const found = output.split('\n').find((l) => l.startsWith(prefix));
    if (found) return found.slice(prefix.length).trim();
    await new Promise<void>((resolve) => waiters.push(resolve));
  }
}

const walk = JSON.parse(await line('ready')) as {
  serviceCode: string;
  prepare: WalkStep[];
  walk: WalkStep[];
};
const common = {
  port,
  serviceCode: walk.serviceCode,
  concurrency: Number(values.concurrency),
  phoneOf: (vu: number) => `+2782${String(1_000_000 + vu).padStart(7, '0')}`,
};
await runLoad({
  ...common,
  walk: walk.prepare,
  durationMs: 0,
  walksPerUser: 1,
});
await runLoad({ ...common, walk: walk.walk, durationMs: 2000 });
child.kill('SIGUSR2');
await line('profiling');
const result = await runLoad({
  ...common,
  walk: walk.walk,
  durationMs: Number(values.seconds) * 1000,
});
const exited = new Promise((resolve) => child.once('exit', resolve));
child.kill('SIGTERM');
await exited;

const profile = JSON.parse(readFileSync(out, 'utf8')) as CpuProfile;
process.stdout.write(
  `${result.requestsPerSecond.toFixed(0)} requests/s under the profiler ` +
    `(p50 ${result.p50Ms.toFixed(1)} ms, ${result.errors} errors); ` +
    `profile in ${out}\n\n`,
);
process.stdout.write(summariseProfile(profile));
