// One command for the USSD benchmark (issue 4, acceptance 5):
//   node --import tsx bench/ussd/run.ts [--seconds 10] [--concurrency 32]
// Serves the same four-screen walk three ways, one after the other, each in
// its own process: Wakala's /ussd (real PostgreSQL and Redis, the customer
// flow), ussd-menu-builder with its session in Redis, and bare Express
// answering a fixed CON screen. Prints a Markdown table for bench/README.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult, type WalkStep } from './load.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
    only: { type: 'string' },
  },
});
const DURATION_MS = Number(values.seconds) * 1000;
const CONCURRENCY = Number(values.concurrency);

interface Target {
  name: string;
  script: string;
  args: string[];
  serviceCode: string;
  walk: readonly WalkStep[];
}

// The same five requests as Wakala's walk: main menu, categories, a
// product list, its second page, "menu" back to the main menu.
const STATIC_WALK: WalkStep[] = [
  { text: '', expect: 'CON Welcome' },
  { text: '1', expect: 'CON Choose a category' },
  { text: '1*1', expect: 'CON Groceries' },
  { text: '1*1*98', expect: 'CON Groceries' },
  { text: '1*1*98*menu', expect: 'CON Welcome' },
];

/** Starts a server script and resolves once it prints `ready` (its walk). */
function startServer(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; info: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(script, import.meta.url).pathname, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('ready'));
      if (line) resolve({ child, info: line.slice('ready'.length).trim() });
    });
    child.on('exit', (code) =>
      reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

/**
 * CPU seconds (user + system) a process has used so far, from
 * /proc/<pid>/stat (Linux; USER_HZ is 100 there), or NaN elsewhere. CPU per
 * request says how much work a request costs even when other jobs share
 * the machine and throughput is noisy.
 */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Measured extends LoadResult {
  /** Server CPU milliseconds per request during the measured run. */
  cpuMsPerRequest: number;
}

async function measure(target: Target, port: number): Promise<Measured> {
  const { child, info } = await startServer(target.script, [
    String(port),
    ...target.args,
  ]);
  try {
    const walk = info
      ? (JSON.parse(info) as {
          walk: WalkStep[];
          serviceCode: string;
          prepare?: WalkStep[];
        })
      : undefined;
    const common = {
      port,
      walk: walk?.walk ?? target.walk,
      serviceCode: walk?.serviceCode ?? target.serviceCode,
      concurrency: CONCURRENCY,
      phoneOf: (vu: number) =>
        `+2782${String(1_000_000 + vu).padStart(7, '0')}`,
    };
    if (walk?.prepare) {
      // Once per virtual user: the contact's first dial (language, consent).
      await runLoad({
        ...common,
        walk: walk.prepare,
        durationMs: 0,
        walksPerUser: 1,
      });
    }
    await runLoad({ ...common, durationMs: 2000 }); // warm-up
    const cpuBefore = cpuSeconds(child.pid);
    const result = await runLoad({ ...common, durationMs: DURATION_MS });
    const cpuMs = (cpuSeconds(child.pid) - cpuBefore) * 1000;
    return { ...result, cpuMsPerRequest: cpuMs / result.requests };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const targets: Target[] = [
  {
    name: 'wakala /ussd',
    script: './wakala-server.ts',
    args: [],
    serviceCode: '*120*321#',
    walk: [],
  },
  {
    name: 'ussd-menu-builder + Redis',
    script: './menu-builder-server.ts',
    args: [`bench-umb-${process.pid}`],
    serviceCode: '*120*321#',
    walk: STATIC_WALK,
  },
  {
    name: 'bare Express 5, fixed CON',
    script: './bare-server.ts',
    args: [],
    serviceCode: '*120*321#',
    walk: STATIC_WALK.map(({ text }) => ({ text, expect: 'CON Welcome' })),
  },
];

const results: Array<[Target, Measured]> = [];
let port = 4100 + (process.pid % 500);
for (const target of targets) {
  if (values.only && !target.name.includes(values.only)) continue;
  process.stderr.write(`measuring ${target.name}...\n`);
  results.push([target, await measure(target, port++)]);
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const lines = [
  `USSD, ${CONCURRENCY} concurrent sessions, ${values.seconds} s each, ${new Date().toISOString().slice(0, 10)}:`,
  '',
  '| server | requests/s | p50 ms | p99 ms | server CPU ms/request | requests | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    ([t, r]) =>
      `| ${t.name} | ${fmt(r.requestsPerSecond, 0)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.cpuMsPerRequest, 2)} | ${r.requests} | ${r.errors} |`,
  ),
];
const rps = (name: string) =>
  results.find(([t]) => t.name.startsWith(name))?.[1].requestsPerSecond;
const ours = rps('wakala');
const builder = rps('ussd-menu-builder');
const bare = rps('bare');
if (ours && builder)
  lines.push('', `wakala / ussd-menu-builder: ${fmt(ours / builder, 2)}`);
if (ours && bare) lines.push(`wakala / bare Express: ${fmt(ours / bare, 2)}`);
if (builder && bare)
  lines.push(`ussd-menu-builder / bare Express: ${fmt(builder / bare, 2)}`);
process.stdout.write(`${lines.join('\n')}\n`);
