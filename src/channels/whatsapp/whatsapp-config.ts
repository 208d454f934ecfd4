import { WakalaError } from '../../shared/index.ts';

/** Platform settings of the WhatsApp Cloud API channel. */
export interface WhatsappConfig {
  appSecret: string;
  verifyToken: string;
  /** Base URL of the Graph API, without a trailing slash. */
  graphUrl: string;
  /** Graph API version segment such as `v25.0`. */
  graphVersion: string;
}

const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';
const DEFAULT_GRAPH_VERSION = 'v25.0';

/**
 * Reads and checks the channel's settings from the environment, so a wrong
 * value stops start-up with a message naming the variable instead of
 * failing later on the first webhook.
 */
export function readWhatsappConfig(
  env: Record<string, string | undefined>,
): WhatsappConfig {
  const appSecret = env.WHATSAPP_APP_SECRET ?? '';
  const verifyToken = env.WHATSAPP_VERIFY_TOKEN ?? '';
  if (appSecret.length < 8) {
    throw configError(
      'WHATSAPP_APP_SECRET must be set to the app secret from the Meta App Dashboard (at least 8 characters).',
    );
  }
  if (verifyToken.length < 8) {
    throw configError(
      'WHATSAPP_VERIFY_TOKEN must be set to the verify token entered in the webhook settings (at least 8 characters).',
    );
  }
  const graphUrl = (env.WHATSAPP_GRAPH_URL ?? DEFAULT_GRAPH_URL).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\/[^\s/]+/.test(graphUrl)) {
    throw configError(
      'WHATSAPP_GRAPH_URL must be an http(s) URL such as https://graph.facebook.com.',
    );
  }
  const graphVersion = env.WHATSAPP_GRAPH_VERSION ?? DEFAULT_GRAPH_VERSION;
  if (!/^v[0-9]+\.[0-9]+$/.test(graphVersion)) {
    throw configError(
      'WHATSAPP_GRAPH_VERSION must look like v25.0 (a "v", major and minor version).',
    );
  }
  return { appSecret, verifyToken, graphUrl, graphVersion };
}

function configError(message: string): WakalaError {
  return new WakalaError('whatsapp.config_invalid', message);
}
