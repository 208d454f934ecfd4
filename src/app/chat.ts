// `npm run chat -- --shop demo --as +27820000001 --channel ussd|whatsapp`:
// a conversation with a shop in the terminal, shown as the channel would.
import { createInterface } from 'node:readline/promises';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import {
  renderMenuPage,
  renderReplies,
  PAGE_OPTION_PREFIX,
} from '../channels/whatsapp/index.ts';
import {
  previewWhatsapp,
  UssdDialer,
  type PreviewChoice,
} from '../channels/sim/index.ts';
import type { FlowEvent } from '../engine/index.ts';
import type { MenuReply } from '../flows/index.ts';
import type { Language } from '../i18n/index.ts';
import { createLogger, setPhoneHashKey } from '../shared/logger.ts';
import { normalisePhone } from '../shared/phone.ts';
import { getTenantBySlug, toResolvedTenant } from '../tenancy/index.ts';
import { loadConfig } from './config.ts';
import { createServices, type Services } from './create-services.ts';
import { createApp } from './http/create-app.ts';

interface ChatOptions {
  shop: string;
  phone: string;
  channel: 'ussd' | 'whatsapp';
}

function readOptions(argv: string[]): ChatOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      shop: { type: 'string', default: 'demo' },
      as: { type: 'string', default: '+27820000001' },
      channel: { type: 'string', default: 'ussd' },
    },
  });
  const channel = values.channel;
  if (channel !== 'ussd' && channel !== 'whatsapp') {
    throw new Error('--channel must be ussd or whatsapp.');
  }
  return {
    shop: values.shop,
    phone: normalisePhone(values.as, '--as'),
    channel,
  };
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: pino.destination(2),
  });
  setPhoneHashKey(config.secretKey);
  process.stdout.write(
    config.isEmbedded ? 'Starting the embedded demo (a few seconds)...\n' : '',
  );
  const services = await createServices({ config, logger });
  try {
    const row = await getTenantBySlug(services.controlPlane, options.shop);
    if (!row) {
      process.stderr.write(
        `No shop with slug "${options.shop}"; see \`wakala tenant list\`.\n`,
      );
      return 2;
    }
    const tenant = toResolvedTenant(row);
    process.stdout.write(
      `Talking to ${tenant.name} as ${options.phone} over ${options.channel}. Type /quit to leave.\n\n`,
    );
    return options.channel === 'ussd'
      ? await chatOverUssd(services, tenant.id, options.phone)
      : await chatOverWhatsapp(services, tenant.id, options.phone);
  } finally {
    await services.close();
  }
}

async function chatOverUssd(
  services: Services,
  tenantId: string,
  phone: string,
): Promise<number> {
  const code = await services.controlPlane.db.ussdCode.findFirst({
    where: { tenantId },
  });
  if (!code) {
    process.stderr.write(
      'This shop has no USSD code; try --channel whatsapp.\n',
    );
    return 2;
  }
  const server = await listenOnFreePort(services);
  try {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const dialer = new UssdDialer(
      `http://127.0.0.1:${port}/ussd`,
      code.serviceCode,
      phone,
    );
    process.stdout.write(`Dialling ${code.serviceCode}\n`);
    let screen = await dialer.dial();
    for (;;) {
      process.stdout.write(
        `\n+${'-'.repeat(30)}\n${screen.text}\n+${'-'.repeat(30)}\n`,
      );
      if (screen.isEnd)
        process.stdout.write('(session ended; type anything to dial again)\n');
      const input = await ask();
      if (input === undefined || input === '/quit') return 0;
      screen = screen.isEnd ? await dialer.dial() : await dialer.send(input);
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function chatOverWhatsapp(
  services: Services,
  tenantId: string,
  phone: string,
): Promise<number> {
  let counter = 0;
  let choices: PreviewChoice[];
  let lastMenu: { menu: MenuReply; language: Language } | undefined;
  let event: FlowEvent = { type: 'user.text', text: 'Hi' };
  for (;;) {
    const page = pageRequested(event);
    if (page !== undefined && lastMenu) {
      const preview = previewWhatsapp(renderMenuPage(lastMenu, page).payloads);
      process.stdout.write(`\n${preview.lines.join('\n')}`);
      choices = preview.choices;
    } else {
      const result = await services.turnRunner.handle({
        id: `sim-${Date.now()}-${counter++}`,
        tenantId,
        channel: 'whatsapp',
        contact: { id: phone, phone },
        event,
        receivedAt: Date.now(),
      });
      const rendered = renderReplies(result.replies, result.language);
      lastMenu = rendered.pagedMenu ?? lastMenu;
      const preview = previewWhatsapp(rendered.payloads);
      process.stdout.write(`\n${preview.lines.join('\n')}`);
      choices = preview.choices;
    }
    const input = await ask();
    if (input === undefined || input === '/quit') return 0;
    event = toEvent(input, choices);
  }
}

function pageRequested(event: FlowEvent): number | undefined {
  if (event.type !== 'user.choice') return undefined;
  const { optionId } = event as { optionId: string };
  return optionId.startsWith(PAGE_OPTION_PREFIX)
    ? Number(optionId.slice(PAGE_OPTION_PREFIX.length))
    : undefined;
}

function toEvent(input: string, choices: PreviewChoice[]): FlowEvent {
  const pin = /^\/pin\s+(-?[\d.]+)\s+(-?[\d.]+)$/.exec(input);
  if (pin)
    return {
      type: 'user.location',
      latitude: Number(pin[1]),
      longitude: Number(pin[2]),
    };
  const choice = choices.find((c) => c.digits === input);
  return choice
    ? { type: 'user.choice', optionId: choice.id }
    : { type: 'user.text', text: input };
}

const lines = createInterface({ input: process.stdin, terminal: false });
const queued: string[] = [];
const waiting: Array<(line: string | undefined) => void> = [];
let isClosed = false;
lines.on('line', (line) => {
  const next = waiting.shift();
  if (next) next(line.trim());
  else queued.push(line.trim());
});
lines.on('close', () => {
  isClosed = true;
  for (const next of waiting.splice(0)) next(undefined);
});

/** The next line typed (or piped in); undefined at the end of input. */
function ask(): Promise<string | undefined> {
  process.stdout.write('> ');
  if (queued.length > 0) {
    const line = queued.shift();
    process.stdout.write(`${line}\n`);
    return Promise.resolve(line);
  }
  if (isClosed) return Promise.resolve(undefined);
  return new Promise((resolve) => waiting.push(resolve));
}

function listenOnFreePort(services: Services): Promise<Server> {
  const app = createApp({
    logger: services.logger,
    routers: services.routers,
    isReady: () => true,
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
    server.once('error', reject);
  });
}

main()
  .then((code) => {
    lines.close();
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? error.message : String(error)}\n`,
    );
    lines.close();
    process.exitCode = 1;
  });
