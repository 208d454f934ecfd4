/**
 * The parts of a resolved tenant the USSD channel reads. The tenancy
 * resolver's `ResolvedTenant` satisfies it.
 */
export interface UssdTenant {
  id: string;
  name: string;
}

/** What a service code or a store code reaches. */
export type UssdResolution =
  | { kind: 'tenant'; tenant: UssdTenant }
  | { kind: 'shared'; serviceCode: string }
  | { kind: 'unknown' };

/** The tenant resolution the channel needs (the tenancy resolver fits). */
export interface UssdTenantResolver {
  byUssdCode(serviceCode: string): Promise<UssdResolution>;
  byStoreCode(
    sharedServiceCode: string,
    storeCode: string,
  ): Promise<UssdResolution>;
}
