import { seedDemoCatalogue } from '../commerce/index.ts';
import {
  provisionTenant,
  withTenant,
  type ControlPlane,
  type ResolvedTenant,
} from '../tenancy/index.ts';

/** The demo shop's fixed numbers, used by the README and the simulator. */
export const DEMO_SHOP = {
  slug: 'demo',
  name: 'Demo Spaza',
  ownerPhone: '+27820000000',
  ussdCode: '*120*777#',
  whatsappPhoneNumberId: '100000000000001',
  whatsappNumber: '+27600000001',
} as const;

/**
 * Creates the demo shop with its catalogue, or finds it when it exists:
 * provisioning is idempotent on its request key and the catalogue seed on
 * product names, so running this twice changes nothing.
 */
export async function ensureDemoShop(
  cp: ControlPlane,
  options: { whatsappAccessToken?: string } = {},
): Promise<{ tenant: ResolvedTenant; isNew: boolean }> {
  const result = await provisionTenant(cp, {
    name: DEMO_SHOP.name,
    slug: DEMO_SHOP.slug,
    tier: 'basic',
    ownerPhone: DEMO_SHOP.ownerPhone,
    ussdCode: DEMO_SHOP.ussdCode,
    whatsappPhoneNumberId: DEMO_SHOP.whatsappPhoneNumberId,
    whatsappNumber: DEMO_SHOP.whatsappNumber,
    // A placeholder the fake Graph API accepts; a real deployment stores
    // the number's own token with `wakala tenant create`.
    whatsappAccessToken: options.whatsappAccessToken ?? 'demo-access-token',
    requestKey: 'wakala-demo-shop',
  });
  await withTenant(cp, result.tenant, () => seedDemoCatalogue());
  return { tenant: result.tenant, isNew: result.isNew };
}
