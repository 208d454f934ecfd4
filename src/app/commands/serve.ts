import { runProcess } from '../run-process.ts';
import type { CommandIo } from './command-io.ts';

/** `wakala serve`: the HTTP server only; run workers elsewhere. */
export function runServe(_argv: string[], _io: CommandIo): Promise<number> {
  return runProcess({ http: true, workers: false });
}
