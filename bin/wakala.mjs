#!/usr/bin/env node
// The `wakala` command. The sources are TypeScript run through tsx's loader,
// so the same files serve development, the CLI and the Docker image.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/app/cli.ts');
process.exitCode = await main(process.argv.slice(2));
