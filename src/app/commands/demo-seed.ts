import { DEMO_SHOP, ensureDemoShop } from '../demo-shop.ts';
import type { CommandIo } from './command-io.ts';
import { withControlPlane } from './migrate.ts';

/**
 * `wakala demo seed`: creates the demo shop (slug `demo`, USSD `*120*777#`,
 * WhatsApp phone_number_id 100000000000001) with its catalogue in the real
 * database of DATABASE_URL, for trials and benchmarks. Safe to re-run.
 */
export async function runDemoSeed(
  argv: string[],
  io: CommandIo,
): Promise<number> {
  if (argv.length > 0) {
    io.err(`wakala demo seed takes no arguments (got "${argv.join(' ')}").`);
    return 2;
  }
  return withControlPlane(io, async (cp) => {
    const { tenant, isNew } = await ensureDemoShop(cp, {
      ...(io.env.WAKALA_WHATSAPP_ACCESS_TOKEN
        ? { whatsappAccessToken: io.env.WAKALA_WHATSAPP_ACCESS_TOKEN }
        : {}),
    });
    io.out(
      `${isNew ? 'created' : 'already there'}: demo shop "${tenant.slug}" (${tenant.id}), USSD ${DEMO_SHOP.ussdCode}, WhatsApp phone_number_id ${DEMO_SHOP.whatsappPhoneNumberId}`,
    );
    return 0;
  });
}
