import { parseArgs } from 'node:util';
import { provisionTenant, type ProvisionRequest } from '../../tenancy/index.ts';
import type { CommandIo } from './command-io.ts';
import { withControlPlane } from './migrate.ts';
import { CACHE_NOT_INVALIDATED, openInvalidator } from './resolution-cache.ts';

const USAGE =
  'Usage: wakala tenant create --name <name> --tier <basic|premium|enterprise> --owner-phone <+27...> [--slug <slug>] [--language <en|zu|xh|af|st>] [--whatsapp-phone-id <id> --whatsapp-number <+27...>] [--ussd-code <*120*123#>] [--shared-ussd-code <code> --store-code <digits>] [--request-key <key>]';

const FLAGS = {
  name: 'name',
  tier: 'tier',
  'owner-phone': 'ownerPhone',
  slug: 'slug',
  language: 'defaultLanguage',
  'whatsapp-phone-id': 'whatsappPhoneNumberId',
  'whatsapp-number': 'whatsappNumber',
  'ussd-code': 'ussdCode',
  'shared-ussd-code': 'sharedUssdCode',
  'store-code': 'storeCode',
  'request-key': 'requestKey',
} as const satisfies Record<string, keyof ProvisionRequest>;

/**
 * `wakala tenant create`: provisions a shop end to end and prints its slug,
 * tier, shard, webhook URLs and, once, its API key. A retry of the same
 * request prints the existing shop and says that no new key was made. The
 * WhatsApp access token is read from WAKALA_WHATSAPP_ACCESS_TOKEN rather
 * than a flag, so it does not land in shell history. With REDIS_URL set,
 * cached "unknown number" answers for its numbers and codes are dropped,
 * so running processes see the new shop at once.
 */
export async function runTenantCreate(
  argv: string[],
  io: CommandIo,
): Promise<number> {
  const request = parseRequest(argv, io);
  if (!request) return 2;
  return withControlPlane(io, async (cp) => {
    const cache = openInvalidator(cp, io);
    const result = await provisionTenant(cp, request, {
      ...(cache ? { invalidator: cache.invalidator } : {}),
    }).finally(() => cache?.close());
    const { tenant } = result;
    io.out(
      result.isNew ? 'tenant created' : 'tenant already exists (same request)',
    );
    io.out(`slug:    ${tenant.slug}`);
    io.out(`id:      ${tenant.id}`);
    io.out(`tier:    ${tenant.tier}`);
    io.out(`shard:   ${result.shard.name} (${result.shard.kind})`);
    io.out(`whatsapp webhook: ${result.webhookUrls.whatsapp}`);
    io.out(`ussd callback:    ${result.webhookUrls.ussd}`);
    if (result.apiKey === null) {
      io.out(
        'api key: not shown again; it was printed when the tenant was created',
      );
    } else {
      io.out(`api key: ${result.apiKey}`);
      io.out('Store the API key now: it is shown only this once.');
    }
    if (!cache) io.out(CACHE_NOT_INVALIDATED);
    return 0;
  });
}

function parseRequest(
  argv: string[],
  io: CommandIo,
): ProvisionRequest | undefined {
  let values: Partial<Record<keyof typeof FLAGS, string>>;
  try {
    const options = Object.fromEntries(
      Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }]),
    );
    values = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.err(`${(error as Error).message}.`);
    io.err(USAGE);
    return undefined;
  }
  const missing = (['name', 'tier', 'owner-phone'] as const).filter(
    (flag) => values[flag] === undefined,
  );
  if (missing.length > 0) {
    io.err(`Missing ${missing.map((flag) => `--${flag}`).join(', ')}.`);
    io.err(USAGE);
    return undefined;
  }
  const request: ProvisionRequest = {
    name: values.name ?? '',
    tier: values.tier ?? '',
    ownerPhone: values['owner-phone'] ?? '',
  };
  for (const [flag, field] of Object.entries(FLAGS)) {
    const value = values[flag as keyof typeof FLAGS];
    if (value !== undefined) request[field] = value;
  }
  const token = io.env.WAKALA_WHATSAPP_ACCESS_TOKEN;
  if (token) request.whatsappAccessToken = token;
  return request;
}
