import { runProcess } from '../run-process.ts';
import type { CommandIo } from './command-io.ts';

/** `wakala worker`: the queue workers only; scale them apart from HTTP. */
export function runWorker(_argv: string[], _io: CommandIo): Promise<number> {
  return runProcess({ http: false, workers: true });
}
