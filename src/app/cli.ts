import { WakalaError } from '../shared/errors.ts';
import {
  processIo,
  type CommandIo,
  type CommandRunner,
} from './commands/command-io.ts';

const USAGE = `Usage: wakala <command> [options]

Commands:
  serve                     run the HTTP server only
  worker                    run the queue workers only
  migrate                   apply pending migrations to the control plane and every tenant schema
  tenant create --name <name> --tier <basic|premium|enterprise> --owner-phone <+27...>
                [--slug <slug>] [--whatsapp-phone-id <id> --whatsapp-number <+27...>]
                [--ussd-code <*120*123#>] [--shared-ussd-code <code> --store-code <digits>]
                [--language <en|zu|xh|af|st>] [--request-key <key>]
                            create a shop end to end; prints its API key once
                            (the WhatsApp access token is read from
                            WAKALA_WHATSAPP_ACCESS_TOKEN, never a flag)
  tenant list               list shops with tier, shard and numbers
  tenant move <slug> --to dedicated
                            move a shop to a database of its own
  tenant purge-old <slug>   drop the copy a move kept for rollback
  tenant whatsapp <slug> [--template <name> --template-language <code> | --no-template]
                [--mark-as-read on|off] [--messages-per-second <1-1000|default>]
                [--number <phone_number_id> [--access-token-from-env]]
                            show or change a shop's WhatsApp settings: template for
                            the 24-hour rule, mark-as-read, send rate of the shop
                            or (with --number) of one number, a number's token
  demo seed                 create the demo shop (slug "demo") in DATABASE_URL

Environment: DATABASE_URL, REDIS_URL, WAKALA_SECRET_KEY, WAKALA_ADMIN_TOKEN,
PORT, LOG_LEVEL, WAKALA_REDIS_PREFIX (see README.md).`;

/** Loads a command module only when it is used, so start-up stays quick. */
const COMMANDS: Record<string, () => Promise<CommandRunner>> = {
  serve: async () => (await import('./commands/serve.ts')).runServe,
  worker: async () => (await import('./commands/worker.ts')).runWorker,
  migrate: async () => (await import('./commands/migrate.ts')).runMigrate,
  'tenant create': async () =>
    (await import('./commands/tenant-create.ts')).runTenantCreate,
  'tenant list': async () =>
    (await import('./commands/tenant-list.ts')).runTenantList,
  'tenant move': async () =>
    (await import('./commands/tenant-move.ts')).runTenantMove,
  'tenant purge-old': async () =>
    (await import('./commands/tenant-purge-old.ts')).runTenantPurgeOld,
  'tenant whatsapp': async () =>
    (await import('./commands/tenant-whatsapp.ts')).runTenantWhatsapp,
  'demo seed': async () =>
    (await import('./commands/demo-seed.ts')).runDemoSeed,
};

/** Runs the `wakala` command line; returns the process exit code. */
export async function main(
  argv: string[],
  io: CommandIo = processIo(),
): Promise<number> {
  const [first, second] = argv;
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    io.out(USAGE);
    return first ? 0 : 1;
  }
  const twoWord = second ? `${first} ${second}` : '';
  const name = twoWord in COMMANDS ? twoWord : first;
  const load = COMMANDS[name];
  if (!load) {
    io.err(`Unknown command "${argv.join(' ')}".`);
    io.err(USAGE);
    return 2;
  }
  const rest = argv.slice(name.split(' ').length);
  try {
    const run = await load();
    return await run(rest, io);
  } catch (error) {
    io.err(describeError(error));
    return 1;
  }
}

function describeError(error: unknown): string {
  if (error instanceof WakalaError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return `Unexpected error: ${error.message}`;
  return 'Unexpected error.';
}
