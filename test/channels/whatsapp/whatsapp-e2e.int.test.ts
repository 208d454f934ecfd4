import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';
import {
  createServices,
  type Services,
} from '../../../src/app/create-services.ts';
import { ensureDemoShop } from '../../../src/app/demo-shop.ts';
import { createApp } from '../../../src/app/http/create-app.ts';
import { signWebhookBody } from '../../../src/channels/whatsapp/index.ts';
import { createControlPlane, migrateAll } from '../../../src/tenancy/index.ts';
import { FakeGraphApi } from '../../support/fake-graph-api.ts';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueSuffix,
  type TestDatabase,
} from '../../support/services.ts';
import { quietLogger } from './whatsapp-fixture.ts';
import { metaJson, textMessage, webhookPayload } from './webhook-builder.ts';

const SECRET_KEY = 'whatsapp-e2e-secret-key-0123456789abcdef';
const APP_SECRET = 'whatsapp-e2e-app-secret';

describe('WhatsApp channel end to end', () => {
  const graph = new FakeGraphApi();
  let database: TestDatabase;
  let services: Services;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    await graph.start();
    database = await createTestDatabase('waee');
    const setup = await createControlPlane({
      databaseUrl: database.url,
      secretKey: SECRET_KEY,
      logger: quietLogger,
    });
    try {
      await migrateAll(setup);
      await ensureDemoShop(setup, { whatsappAccessToken: 'e2e-token' });
    } finally {
      await setup.close();
    }
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      WAKALA_SECRET_KEY: SECRET_KEY,
      WAKALA_ADMIN_TOKEN: 'whatsapp-e2e-admin-token-0123456789',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'whatsapp-e2e-verify',
      WHATSAPP_GRAPH_URL: graph.url,
    });
    services = await createServices({
      config,
      logger: quietLogger,
      keyPrefix: `test-wa-${uniqueSuffix()}`,
    });
    services.whatsapp?.startWorkers();
    app = createApp({
      logger: quietLogger,
      routers: services.routers,
      isReady: () => true,
    });
  });

  afterAll(async () => {
    await services?.close();
    await graph.close();
    await database?.drop();
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
      const res = await request(app)
        .post('/webhooks/whatsapp')
        .set('content-type', 'application/json')
        .set('x-hub-signature-256', signWebhookBody(body, APP_SECRET))
        .send(body);
      expect(res.status).toBe(200);
      const [first] = await graph.waitForMessages(1, 20_000);
      expect(graph.violations).toEqual([]);
      expect(first).toMatchObject({
        to: '27825550001',
        token: 'e2e-token',
        phoneNumberId: '100000000000001',
      });
      expect(first?.payload.type).toBe('interactive');
    });
  });
});
