import { parseArgs } from 'node:util';
import { listTenants, type TenantListing } from '../../tenancy/index.ts';
import type { CommandIo } from './command-io.ts';
import { withControlPlane } from './migrate.ts';

const COLUMNS = ['slug', 'name', 'tier', 'status', 'shard', 'numbers'] as const;

/** `wakala tenant list`: a table of every shop with tier, shard and numbers. */
export async function runTenantList(
  argv: string[],
  io: CommandIo,
): Promise<number> {
  try {
    parseArgs({
      args: argv,
      options: {},
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    io.err(`${(error as Error).message}. Usage: wakala tenant list`);
    return 2;
  }
  return withControlPlane(io, async (cp) => {
    const listings = await listTenants(cp);
    if (listings.length === 0) {
      io.out('no tenants yet; create one with wakala tenant create');
      return 0;
    }
    for (const line of formatTable(listings.map(toCells))) io.out(line);
    return 0;
  });
}

function toCells(listing: TenantListing): string[] {
  const { tenant } = listing;
  const numbers = [
    ...listing.whatsappNumbers.map(
      (number) => `wa:${number.displayNumber} (${number.phoneNumberId})`,
    ),
    ...listing.ussdCodes.map((code) => `ussd:${code}`),
    ...listing.storeCodes.map(
      (code) => `ussd:${code.serviceCode} store ${code.storeCode}`,
    ),
  ];
  return [
    tenant.slug,
    tenant.name,
    tenant.tier,
    tenant.status,
    `${listing.shardName} (${listing.shardKind})`,
    numbers.length > 0 ? numbers.join(', ') : '-',
  ];
}

/** Pads columns to their widest cell, so the table reads in a terminal. */
function formatTable(rows: string[][]): string[] {
  const all = [[...COLUMNS], ...rows];
  const widths = COLUMNS.map((_, index) =>
    Math.max(...all.map((row) => (row[index] ?? '').length)),
  );
  return all.map((row) =>
    row
      .map((cell, index) =>
        index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0),
      )
      .join('  '),
  );
}
