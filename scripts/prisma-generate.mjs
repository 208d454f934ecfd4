// Generates the Prisma clients for the control plane and the tenant schema.
// The Prisma CLI tries to download a native schema engine before it runs
// `generate`, which is unreachable here and unnecessary: generation runs on
// WebAssembly. Pointing PRISMA_SCHEMA_ENGINE_BINARY at a placeholder file
// skips the download (see DEPENDENCIES.md).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

let prismaCli;
try {
  prismaCli = require.resolve('prisma/build/index.js', { paths: [root] });
} catch {
  // Production installs leave out the Prisma CLI; the clients were generated
  // in the build stage and copied in.
  console.log('prisma CLI not installed; skipping client generation');
  process.exit(0);
}

const placeholder = join(root, '.prisma-engine-placeholder');
if (!existsSync(placeholder)) writeFileSync(placeholder, '');

for (const schema of ['prisma/control.prisma', 'prisma/tenant.prisma']) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
}
