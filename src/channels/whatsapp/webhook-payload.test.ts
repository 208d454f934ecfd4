import { describe, expect, it } from 'vitest';
import { parseWebhookPayload } from './webhook-payload.ts';
import {
  listReply,
  textMessage,
  webhookPayload,
} from '../../../test/channels/whatsapp/webhook-builder.ts';

describe('parseWebhookPayload', () => {
  describe('when a payload batches several entries and changes', () => {
    it('returns every message and status, not just the first', () => {
      const one = webhookPayload({
        messages: [
          textMessage('wamid.1', '27821234567', 'hi', 100),
          listReply('wamid.2', '27821234567', 'cat:1', 101),
        ],
      });
      const two = webhookPayload({
        statuses: [
          {
            id: 'wamid.out',
            status: 'read',
            timestamp: '102',
            recipient_id: '27821234567',
          },
        ],
      });
      const payload = {
        object: 'whatsapp_business_account',
        entry: [...(one.entry as unknown[]), ...(two.entry as unknown[])],
      };
      const items = parseWebhookPayload(payload);
      expect(items.map((i) => i.kind)).toEqual([
        'message',
        'message',
        'status',
      ]);
      expect(items[1]).toMatchObject({
        event: { type: 'user.choice', optionId: 'cat:1' },
        sentAt: 101_000,
      });
      expect(items[0]).toMatchObject({
        contact: {
          id: '+27821234567',
          phone: '+27821234567',
          profileName: 'Thandi',
        },
      });
    });
  });

  describe('when a message has no phone number', () => {
    it('keys the contact by the business-scoped user id', () => {
      const payload = webhookPayload({
        messages: [
          {
            id: 'wamid.3',
            fromUserId: 'ZA.13491208655302741918',
            timestamp: 5,
            type: 'text',
            text: { body: 'yo' },
          },
        ],
      });
      expect(parseWebhookPayload(payload)[0]).toMatchObject({
        contact: { id: 'ZA.13491208655302741918' },
      });
    });
  });

  describe('when the message type is not one the flows read', () => {
    it('turns a sticker into user.unsupported and ignores a reaction', () => {
      const payload = webhookPayload({
        messages: [
          {
            id: 'wamid.4',
            from: '27821234567',
            timestamp: 5,
            type: 'sticker',
            sticker: { id: 'm1' },
          },
          {
            id: 'wamid.5',
            from: '27821234567',
            timestamp: 6,
            type: 'reaction',
            reaction: { emoji: 'x' },
          },
        ],
      });
      const items = parseWebhookPayload(payload);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        event: { type: 'user.unsupported', what: 'sticker' },
      });
    });

    it('keeps location and image details', () => {
      const payload = webhookPayload({
        messages: [
          {
            id: 'wamid.6',
            from: '27821234567',
            timestamp: 5,
            type: 'location',
            location: { latitude: -26.2, longitude: 28.04, name: 'Spaza' },
          },
          {
            id: 'wamid.7',
            from: '27821234567',
            timestamp: 6,
            type: 'image',
            image: { id: 'media-1', mime_type: 'image/jpeg', sha256: 'x' },
          },
        ],
      });
      expect(
        parseWebhookPayload(payload).map((i) =>
          i.kind === 'message' ? i.event : undefined,
        ),
      ).toEqual([
        {
          type: 'user.location',
          latitude: -26.2,
          longitude: 28.04,
          name: 'Spaza',
        },
        { type: 'user.media', mediaId: 'media-1', mimeType: 'image/jpeg' },
      ]);
    });
  });

  describe('when the payload is not a WhatsApp notification', () => {
    it('refuses it with whatsapp.payload_invalid', () => {
      expect(() => parseWebhookPayload({ object: 'page', entry: [] })).toThrow(
        expect.objectContaining({ code: 'whatsapp.payload_invalid' }),
      );
    });
  });
});
