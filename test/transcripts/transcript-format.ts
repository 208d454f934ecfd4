/**
 * The transcript format: one step a line, read top to bottom.
 *
 *   contact: +27820001001      header lines (contact, channel) come first
 *   # a comment
 *   > Sawubona                 the person types this (a new inbound id)
 *   > #Iziphuzo                the person types the digits of the option of
 *                              the last menu whose label contains the text
 *   < Khetha ulimi             the last answer contains this (translated)
 *   <! R49.98                  the last answer does not contain this
 *   >> 1 | 1                   two messages sent at the same moment
 *   <1 text / <2 text          the first / second of them was answered so
 *   ! again                    the previous message arrives again, same id
 *   ! expire                   the conversation's session expires
 *   ! stock Coca-Cola 2L = 0   the shop's stock of a product changes
 *   ? orders 1                 the person has this many orders
 *   ? order fulfilment=collection totalCents=4998
 *                              fields of the person's latest order
 *   ? stock Coca-Cola 2L = 46  the product's stock
 *   ? status duplicate         status of the last turn
 */
export type Step =
  | { kind: 'send'; text: string; line: number }
  | { kind: 'send_together'; texts: string[]; line: number }
  | {
      kind: 'expect';
      fragment: string;
      absent: boolean;
      which?: number;
      line: number;
    }
  | { kind: 'again'; line: number }
  | { kind: 'expire'; line: number }
  | { kind: 'set_stock'; product: string; quantity: number; line: number }
  | { kind: 'check_orders'; count: number; line: number }
  | { kind: 'check_order'; fields: Record<string, string>; line: number }
  | { kind: 'check_stock'; product: string; quantity: number; line: number }
  | { kind: 'check_status'; status: string; line: number };

export interface Transcript {
  name: string;
  contact: string;
  channel: 'whatsapp' | 'sim';
  steps: Step[];
}

/** Reads a transcript; a line it does not understand is an error. */
export function parseTranscript(name: string, source: string): Transcript {
  const headers: Record<string, string> = {};
  const steps: Step[] = [];
  source.split('\n').forEach((raw, index) => {
    const text = raw.trim();
    const line = index + 1;
    if (text === '' || text.startsWith('#')) return;
    const header = /^(contact|channel):\s*(.+)$/.exec(text);
    if (header?.[1] && header[2]) {
      headers[header[1]] = header[2];
      return;
    }
    steps.push(parseStep(text, line, name));
  });
  const contact = headers.contact;
  const channel = headers.channel ?? 'whatsapp';
  if (!contact) throw new Error(`${name}: no "contact:" header`);
  if (channel !== 'whatsapp' && channel !== 'sim') {
    throw new Error(`${name}: channel must be whatsapp or sim`);
  }
  return { name, contact, channel, steps };
}

function parseStep(text: string, line: number, name: string): Step {
  const fail = (): never => {
    throw new Error(`${name}:${line}: cannot read "${text}"`);
  };
  const rest = (prefix: string): string => text.slice(prefix.length).trim();
  if (text.startsWith('>> ')) {
    return { kind: 'send_together', texts: rest('>>').split(' | '), line };
  }
  if (text.startsWith('> ')) return { kind: 'send', text: rest('>'), line };
  const expectation = /^<(!?)([12]?) (.+)$/.exec(text);
  if (expectation?.[3]) {
    return {
      kind: 'expect',
      fragment: expectation[3],
      absent: expectation[1] === '!',
      ...(expectation[2] ? { which: Number(expectation[2]) } : {}),
      line,
    };
  }
  if (text === '! again') return { kind: 'again', line };
  if (text === '! expire') return { kind: 'expire', line };
  const stock = /^([!?]) stock (.+) = (\d+)$/.exec(text);
  if (stock?.[2] && stock[3]) {
    const kind = stock[1] === '!' ? 'set_stock' : 'check_stock';
    return { kind, product: stock[2], quantity: Number(stock[3]), line };
  }
  const orders = /^\? orders (\d+)$/.exec(text);
  if (orders?.[1])
    return { kind: 'check_orders', count: Number(orders[1]), line };
  if (text.startsWith('? order ')) {
    const fields = Object.fromEntries(
      rest('? order')
        .split(/\s+/)
        .map((pair) => {
          const [key, value] = pair.split('=');
          return key && value !== undefined ? [key, value] : fail();
        }),
    );
    return { kind: 'check_order', fields, line };
  }
  const status = /^\? status (\w+)$/.exec(text);
  if (status?.[1]) return { kind: 'check_status', status: status[1], line };
  return fail();
}
