import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWhatsappAppFixture,
  DEMO_ACCESS_TOKEN,
  type WhatsappAppFixture,
} from './whatsapp-app-fixture.ts';
import {
  DEMO_PHONE_NUMBER_ID,
  metaJson,
  textMessage,
  webhookPayload,
} from './webhook-builder.ts';

describe('WhatsApp channel end to end', () => {
  let fixture: WhatsappAppFixture;

  beforeAll(async () => {
    fixture = await createWhatsappAppFixture('waee');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  describe('when a first message arrives as a signed webhook', () => {
    it('answers with a language list that passes the Graph API limits', async () => {
      const body = metaJson(
        webhookPayload({
          messages: [
            textMessage(
              'wamid.e2e1',
              '27825550001',
              'Sawubona',
              Math.floor(Date.now() / 1000),
            ),
          ],
        }),
      );
      await fixture.post(body);
      const [first] = await fixture.graph.waitForMessages(1, 20_000);
      expect(fixture.graph.violations).toEqual([]);
      expect(first).toMatchObject({
        to: '27825550001',
        token: DEMO_ACCESS_TOKEN,
        phoneNumberId: DEMO_PHONE_NUMBER_ID,
      });
      expect(first?.payload.type).toBe('interactive');
    });
  });
});
