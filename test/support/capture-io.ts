import type { CommandIo } from '../../src/app/commands/command-io.ts';

/** A command's io that keeps what it printed, for assertions. */
export interface CapturedIo extends CommandIo {
  lines: string[];
  errors: string[];
}

/** An io over `env` (logs silent unless `env` says otherwise). */
export function captureIo(env: NodeJS.ProcessEnv): CapturedIo {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    env: { LOG_LEVEL: 'silent', ...env },
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
  };
}
