/**
 * Reads a V8 `.cpuprofile` and says where the samples went: by part of the
 * code (our folders, each library, Node itself, garbage collection, idle)
 * and the heaviest functions by self time. Shared by the USSD and turn
 * profiles so both are read the same way.
 */

/** The parts of a V8 CPU profile this summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

// First match wins: more specific paths come before the folders that hold
// them.
const PARTS: Array<[RegExp, string]> = [
  [/\/src\/generated\//, 'prisma generated client'],
  [/\/src\/engine\//, 'src/engine'],
  [/\/src\/tenancy\//, 'src/tenancy'],
  [/\/src\/commerce\//, 'src/commerce'],
  [/\/src\/flows\//, 'src/flows'],
  [/\/src\/channels\//, 'src/channels'],
  [/\/src\/i18n\//, 'src/i18n'],
  [/\/src\/shared\//, 'src/shared'],
  [/\/src\//, 'src (other)'],
  [/node_modules\/(@prisma|prisma)\//, 'prisma'],
  [/node_modules\/(pg|pg-[a-z-]+|postgres-[a-z-]+)\//, 'pg'],
  [/node_modules\/(ioredis|@ioredis|redis-[a-z-]+|denque)\//, 'ioredis'],
  [/node_modules\/xstate\//, 'xstate'],
  [/node_modules\/(pino|pino-[a-z-]+|sonic-boom|thread-stream)\//, 'pino'],
  [/node_modules\/i18next\//, 'i18next'],
  [
    /node_modules\/(express|router|body-parser|qs|raw-body|iconv-lite|finalhandler|send|type-is|content-type|mime[a-z-]*|on-finished|serve-static|accepts|negotiator)\//,
    'express',
  ],
  [/node_modules\/(tsx|esbuild|get-tsconfig)\//, 'tsx (loader)'],
  [/node_modules\/([^/]+)\//, 'node_modules (other)'],
  [/^node:|^internal\/|^$/, 'node'],
];

function partOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'program (native, unattributed)';
  }
  for (const [pattern, part] of PARTS) if (pattern.test(url)) return part;
  return 'other';
}

function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(1)}%`;
}

/** A Markdown summary: parts by self time, then the top `top` functions. */
export function summariseProfile(profile: CpuProfile, top = 30): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    selfById.set(id, (selfById.get(id) ?? 0) + delta);
  });
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  // Node's own frames (socket writes, promise hooks) are charged to the
  // nearest caller in our code or a library, which says who asked for them.
  const callerPart = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined;) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const part = partOf(frame.url, frame.functionName);
      if (part !== 'node') return part;
      at = parentOf.get(at);
    }
    return 'node';
  };
  let total = 0;
  let busy = 0;
  const parts = new Map<string, number>();
  const charged = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, time] of selfById) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += time;
    const part = partOf(frame.url, frame.functionName);
    if (part !== 'idle') busy += time;
    parts.set(part, (parts.get(part) ?? 0) + time);
    const payer = part === 'node' ? callerPart(id) : part;
    charged.set(payer, (charged.get(payer) ?? 0) + time);
    const file = frame.url.replace(/^.*\/(node_modules|src)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + time);
  }
  const lines = [
    `${(total / 1e6).toFixed(1)} s sampled, ${percent(busy, total)} busy; shares below are of busy time`,
    '',
    '| part | self | share | with the Node work it called |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const [part, time] of [...parts].sort((a, b) => b[1] - a[1])) {
    if (part === 'idle') continue;
    const paid = charged.get(part) ?? 0;
    lines.push(
      `| ${part} | ${(time / 1000).toFixed(0)} ms | ${percent(time, busy)} | ${percent(paid, busy)} |`,
    );
  }
  lines.push('', '| function | self | share |', '| --- | ---: | ---: |');
  const heaviest = [...functions].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, time] of heaviest) {
    lines.push(
      `| ${name} | ${(time / 1000).toFixed(0)} ms | ${percent(time, busy)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
