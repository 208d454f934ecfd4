import { z } from 'zod';
import {
  readWhatsappConfig,
  type WhatsappConfig,
} from '../channels/whatsapp/index.ts';
import { WakalaError } from '../shared/errors.ts';

const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const;

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), {
    message: 'must be a postgres:// or postgresql:// URL',
  });

const redisUrl = z.string().refine((value) => /^rediss?:\/\/.+/.test(value), {
  message: 'must be a redis:// or rediss:// URL',
});

const configSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  PORT: z.coerce
    .number({ message: 'must be a port number between 1 and 65535' })
    .int({ message: 'must be a port number between 1 and 65535' })
    .min(1, { message: 'must be a port number between 1 and 65535' })
    .max(65535, { message: 'must be a port number between 1 and 65535' })
    .default(3000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  WAKALA_ADMIN_TOKEN: z
    .string()
    .min(24, { message: 'must be at least 24 characters long' })
    .optional(),
  WAKALA_SECRET_KEY: z
    .string()
    .min(32, { message: 'must be at least 32 characters long' })
    .optional(),
  WAKALA_PUBLIC_URL: z
    .url({ message: 'must be an http(s) URL' })
    .default('http://localhost:3000'),
  WAKALA_DEDICATED_DATABASE_URL: postgresUrl.optional(),
  WAKALA_REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/, {
      message: 'must be 1 to 32 lowercase letters, digits, - or _',
    })
    .default('wakala'),
  USSD_BUDGET_MS: z.coerce.number().int().min(200).max(15000).default(2000),
  USSD_SCREEN_LIMIT: z.coerce.number().int().min(60).max(182).default(160),
});

export type RawConfig = z.infer<typeof configSchema>;

/** Settings of one Wakala process, read once from the environment. */
export interface Config extends RawConfig {
  /** True when neither DATABASE_URL nor REDIS_URL is set: the embedded demo. */
  isEmbedded: boolean;
  adminToken: string;
  secretKey: string;
  /**
   * Null unless WHATSAPP_APP_SECRET or WHATSAPP_VERIFY_TOKEN is set; the
   * embedded demo always has it, with demo values for what is unset.
   */
  whatsapp: WhatsappConfig | null;
  /** Names of the WhatsApp settings that took the embedded demo's values. */
  whatsappDemoSettings: string[];
}

/**
 * The secret key used when the embedded demo runs without one. Only ever
 * used with an in-memory database that disappears with the process.
 */
const EMBEDDED_SECRET_KEY = 'wakala-embedded-demo-key-not-for-production';

/**
 * Webhook settings of the embedded demo when none are given, so `npm start`
 * serves `/webhooks/whatsapp` with nothing set. They are public (README,
 * "Try it"): fine for a demo that only a local Graph stand-in talks to,
 * never used once DATABASE_URL or REDIS_URL is set.
 */
const EMBEDDED_WHATSAPP = {
  WHATSAPP_APP_SECRET: 'demo-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'demo-verify-token',
} as const;

/**
 * Reads and validates the configuration. A wrong or missing value stops the
 * process with a message that names the variable and says what is expected.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')} ${issue.message}`,
    );
    throw new WakalaError(
      'config.invalid',
      `Invalid configuration: ${problems.join('; ')}.`,
    );
  }
  const raw = parsed.data;
  const isEmbedded = !raw.DATABASE_URL && !raw.REDIS_URL;
  if (!isEmbedded) requireProductionSettings(raw);
  const whatsappEnv = isEmbedded ? withWhatsappDemo(env) : { env, names: [] };
  return {
    ...raw,
    isEmbedded,
    adminToken: raw.WAKALA_ADMIN_TOKEN ?? '',
    secretKey: raw.WAKALA_SECRET_KEY ?? EMBEDDED_SECRET_KEY,
    whatsapp:
      whatsappEnv.env.WHATSAPP_APP_SECRET ||
      whatsappEnv.env.WHATSAPP_VERIFY_TOKEN
        ? readWhatsappConfig(whatsappEnv.env)
        : null,
    whatsappDemoSettings: whatsappEnv.names,
  };
}

/** `env` with the embedded demo's value for each unset webhook setting. */
function withWhatsappDemo(env: NodeJS.ProcessEnv): {
  env: NodeJS.ProcessEnv;
  names: string[];
} {
  const filled: NodeJS.ProcessEnv = { ...env };
  const names: string[] = [];
  for (const [name, value] of Object.entries(EMBEDDED_WHATSAPP)) {
    if (env[name]) continue;
    filled[name] = value;
    names.push(name);
  }
  return { env: filled, names };
}

function requireProductionSettings(raw: RawConfig): void {
  const missing: string[] = [];
  if (!raw.DATABASE_URL) missing.push('DATABASE_URL');
  if (!raw.REDIS_URL) missing.push('REDIS_URL');
  if (!raw.WAKALA_SECRET_KEY) missing.push('WAKALA_SECRET_KEY');
  if (missing.length > 0) {
    throw new WakalaError(
      'config.missing',
      `Missing configuration: ${missing.join(', ')} must be set when DATABASE_URL or REDIS_URL is set (leave both unset for the embedded demo).`,
    );
  }
}

/** Empty strings count as unset, as a shell `VAR=` means. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') result[name] = value;
  }
  return result;
}
