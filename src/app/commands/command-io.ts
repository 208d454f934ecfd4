/** What a command may touch: output, error output and the environment. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

/** A `wakala` sub-command: takes its own arguments, returns an exit code. */
export type CommandRunner = (argv: string[], io: CommandIo) => Promise<number>;

/** The io of a real process. */
export function processIo(): CommandIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  };
}
