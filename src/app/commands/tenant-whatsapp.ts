import { parseArgs } from 'node:util';
import {
  MESSAGES_PER_SECOND_RANGE,
  isTemplateLanguage,
  isTemplateName,
} from '../../channels/whatsapp/index.ts';
import { writeAudit } from '../../tenancy/index.ts';
import type { CommandIo } from './command-io.ts';
import { withControlPlane } from './migrate.ts';
import { CACHE_NOT_INVALIDATED, openInvalidator } from './resolution-cache.ts';
import {
  readWhatsappSettings,
  updateWhatsappSettings,
  type WhatsappSettingsChange,
  type WhatsappSettingsView,
} from './whatsapp-settings-store.ts';

const USAGE = `Usage: wakala tenant whatsapp <slug>
  [--template <name> --template-language <code> | --no-template]
  [--mark-as-read on|off]
  [--messages-per-second <1-1000|default>]
  [--number <phone_number_id> [--messages-per-second <1-1000|default>] [--access-token-from-env]]
With no change it prints the shop's WhatsApp settings. --messages-per-second
sets the shop's rate, or with --number that number's own rate.
--access-token-from-env stores WAKALA_WHATSAPP_ACCESS_TOKEN as the number's token.`;

const OPTIONS = {
  template: { type: 'string' },
  'template-language': { type: 'string' },
  'no-template': { type: 'boolean' },
  'mark-as-read': { type: 'string' },
  'messages-per-second': { type: 'string' },
  number: { type: 'string' },
  'access-token-from-env': { type: 'boolean' },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS }>
>['values'];

/**
 * `wakala tenant whatsapp <slug>`: shows or changes a shop's WhatsApp
 * settings: the template used outside the 24-hour window, mark-as-read,
 * and the send rate of the shop and of each of its numbers. Each change is
 * audited; with REDIS_URL set the shop's cached resolution is dropped so
 * running processes read the new settings at once.
 */
export async function runTenantWhatsapp(
  argv: string[],
  io: CommandIo,
): Promise<number> {
  const parsed = parseCommand(argv, io);
  if (typeof parsed === 'string') {
    io.err(parsed);
    io.err(USAGE);
    return 2;
  }
  const { slug, change } = parsed;
  return withControlPlane(io, async (cp) => {
    if (!change) {
      printView(io, await readWhatsappSettings(cp, slug));
      return 0;
    }
    const view = await updateWhatsappSettings(cp, slug, change);
    await writeAudit(cp, {
      tenantId: view.tenantId,
      actor: 'cli',
      action: 'tenant.whatsapp_settings',
      outcome: 'allowed',
      target: slug,
      detail: auditDetail(change),
    });
    const cache = openInvalidator(cp, io);
    await cache?.invalidator
      .invalidateTenant(view.tenantId)
      .finally(() => cache.close());
    io.out('whatsapp settings changed');
    printView(io, view);
    if (change.number) {
      io.out(
        'running workers use a number’s new rate or token within a minute (their lookup cache)',
      );
    }
    if (!cache) io.out(CACHE_NOT_INVALIDATED);
    return 0;
  });
}

/** The slug and the change asked for, or a message naming the problem. */
function parseCommand(
  argv: string[],
  io: CommandIo,
): { slug: string; change: WhatsappSettingsChange | undefined } | string {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    return `${(error as Error).message}.`;
  }
  if (positionals.length !== 1) return 'Name exactly one tenant slug.';
  const change = parseChange(values, io);
  if (typeof change === 'string') return change;
  return { slug: positionals[0] ?? '', change };
}

function parseChange(
  values: Values,
  io: CommandIo,
): WhatsappSettingsChange | undefined | string {
  const change: WhatsappSettingsChange = {};
  const template = parseTemplate(values);
  if (typeof template === 'string') return template;
  if (template !== undefined) change.template = template;
  const markAsRead = parseOnOff(values['mark-as-read']);
  if (typeof markAsRead === 'string') return markAsRead;
  if (markAsRead !== undefined) change.isMarkAsRead = markAsRead;
  const rate = parseRate(values['messages-per-second']);
  if (typeof rate === 'string') return rate;
  const number = parseNumber(values, rate, io);
  if (typeof number === 'string') return number;
  if (number) change.number = number;
  else if (rate !== undefined) change.tenantMessagesPerSecond = rate;
  return Object.keys(change).length > 0 ? change : undefined;
}

function parseTemplate(
  values: Values,
): WhatsappSettingsChange['template'] | string {
  const name = values.template;
  const language = values['template-language'];
  if (values['no-template']) {
    if (name !== undefined || language !== undefined) {
      return 'Give either --no-template or --template with --template-language, not both.';
    }
    return null;
  }
  if (name === undefined && language === undefined) return undefined;
  if (name === undefined || language === undefined) {
    return 'A template needs both --template <name> and --template-language <code>.';
  }
  if (!isTemplateName(name)) {
    return `Template name "${name}" is not one Meta accepts: use lower-case letters, digits and underscores.`;
  }
  if (!isTemplateLanguage(language)) {
    return `Template language "${language}" is not a code such as en, zu or en_US.`;
  }
  return { name, language };
}

function parseOnOff(value: string | undefined): boolean | undefined | string {
  if (value === undefined) return undefined;
  if (value === 'on') return true;
  if (value === 'off') return false;
  return `--mark-as-read takes on or off, not "${value}".`;
}

function parseRate(
  value: string | undefined,
): number | null | undefined | string {
  if (value === undefined) return undefined;
  if (value === 'default') return null;
  const { min, max } = MESSAGES_PER_SECOND_RANGE;
  const rate = Number(value);
  if (!/^\d+$/.test(value) || rate < min || rate > max) {
    return `--messages-per-second takes a whole number from ${min} to ${max}, or "default", not "${value}".`;
  }
  return rate;
}

function parseNumber(
  values: Values,
  rate: number | null | undefined,
  io: CommandIo,
): WhatsappSettingsChange['number'] | string {
  const phoneNumberId = values.number;
  const wantsToken = values['access-token-from-env'] === true;
  if (phoneNumberId === undefined) {
    return wantsToken ? '--access-token-from-env needs --number.' : undefined;
  }
  if (!/^[0-9]{5,20}$/.test(phoneNumberId)) {
    return `--number takes a phone_number_id of 5 to 20 digits, not "${phoneNumberId}".`;
  }
  const number: NonNullable<WhatsappSettingsChange['number']> = {
    phoneNumberId,
  };
  if (rate !== undefined) number.messagesPerSecond = rate;
  if (wantsToken) {
    const token = io.env.WAKALA_WHATSAPP_ACCESS_TOKEN;
    if (!token) {
      return '--access-token-from-env is set but WAKALA_WHATSAPP_ACCESS_TOKEN is empty.';
    }
    number.accessToken = token;
  }
  if (rate === undefined && !wantsToken) {
    return '--number needs --messages-per-second or --access-token-from-env.';
  }
  return number;
}

/**
 * What the audit keeps of a change: never the token itself. (The audit's
 * scrubber also hides the phone_number_id, which looks like a phone
 * number; the entry's target names the shop.)
 */
function auditDetail(change: WhatsappSettingsChange): Record<string, unknown> {
  const { number, ...rest } = change;
  if (!number) return rest;
  const { accessToken, ...numberRest } = number;
  return {
    ...rest,
    number: { ...numberRest, isCredentialReplaced: accessToken !== undefined },
  };
}

function printView(io: CommandIo, view: WhatsappSettingsView): void {
  const { settings } = view;
  io.out(`shop:         ${view.slug}`);
  io.out(
    `template:     ${settings.template ? `${settings.template.name} (${settings.template.language})` : 'none: outside the 24-hour window nothing can be sent'}`,
  );
  io.out(`mark as read: ${settings.isMarkAsRead ? 'on' : 'off'}`);
  io.out(
    `shop rate:    ${settings.messagesPerSecond ?? 'default'} messages per second`,
  );
  if (view.numbers.length === 0) io.out('numbers:      none');
  for (const number of view.numbers) {
    io.out(
      `number:       ${number.phoneNumberId} ${number.displayNumber}, ${number.messagesPerSecond} messages per second (${number.rateSource}), token ${number.hasAccessToken ? 'stored' : 'missing'}`,
    );
  }
}
