// Fails when the TypeScript sources under src/ import each other in a cycle.
// Only relative imports count: they are the ones we control. Type-only
// imports are included on purpose; a type cycle between folders still means
// the folders' responsibilities are tangled.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname, 'src');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function listSources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'generated') return [];
    if (statSync(path).isDirectory()) return listSources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const graph = new Map();
for (const file of listSources(root)) {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(IMPORT)].map((m) =>
    resolve(dirname(file), m[1]),
  );
  graph.set(
    file,
    targets.filter((t) => t.endsWith('.ts')),
  );
}

const state = new Map();
const stack = [];
const cycles = [];

function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'open') {
      cycles.push([...stack.slice(stack.indexOf(next)), next]);
    } else if (!state.has(next) && graph.has(next)) {
      visit(next);
    }
  }
  stack.pop();
  state.set(file, 'done');
}

for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (cycles.length > 0) {
  for (const cycle of cycles) {
    console.error(
      `import cycle: ${cycle.map((f) => relative(root, f)).join(' -> ')}`,
    );
  }
  process.exit(1);
}
console.log(`no import cycles in ${graph.size} source files`);
