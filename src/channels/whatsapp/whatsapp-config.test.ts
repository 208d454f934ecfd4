import { describe, expect, it } from 'vitest';
import { readWhatsappConfig } from './whatsapp-config.ts';

const BASE = {
  WHATSAPP_APP_SECRET: 'secret-123456',
  WHATSAPP_VERIFY_TOKEN: 'verify-123456',
};

describe('readWhatsappConfig', () => {
  describe('when only the secrets are set', () => {
    it('uses Meta graph URL and version v25.0', () => {
      expect(readWhatsappConfig(BASE)).toEqual({
        appSecret: 'secret-123456',
        verifyToken: 'verify-123456',
        graphUrl: 'https://graph.facebook.com',
        graphVersion: 'v25.0',
      });
    });
  });

  describe('when a value is missing or malformed', () => {
    it.each([
      [{ ...BASE, WHATSAPP_APP_SECRET: undefined }, 'WHATSAPP_APP_SECRET'],
      [{ ...BASE, WHATSAPP_VERIFY_TOKEN: '' }, 'WHATSAPP_VERIFY_TOKEN'],
      [
        { ...BASE, WHATSAPP_GRAPH_URL: 'graph.facebook.com' },
        'WHATSAPP_GRAPH_URL',
      ],
      [{ ...BASE, WHATSAPP_GRAPH_VERSION: '25' }, 'WHATSAPP_GRAPH_VERSION'],
    ])('names the variable (%#)', (env, name) => {
      expect(() => readWhatsappConfig(env)).toThrow(name);
    });
  });

  it('drops a trailing slash from the graph URL', () => {
    expect(
      readWhatsappConfig({ ...BASE, WHATSAPP_GRAPH_URL: 'http://127.0.0.1:9/' })
        .graphUrl,
    ).toBe('http://127.0.0.1:9');
  });
});
