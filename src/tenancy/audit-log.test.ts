import { describe, expect, it } from 'vitest';
import { scrubAuditDetail } from './audit-log.ts';

describe('scrubAuditDetail', () => {
  describe('when detail holds secrets by field name', () => {
    it('redacts phone, token and key fields whatever their value', () => {
      expect(
        scrubAuditDetail({
          ownerPhone: 'x',
          accessToken: 'y',
          apiKey: 'z',
          tier: 'basic',
        }),
      ).toEqual({
        ownerPhone: '[redacted]',
        accessToken: '[redacted]',
        apiKey: '[redacted]',
        tier: 'basic',
      });
    });
  });

  describe('when detail holds phone numbers or keys as values', () => {
    it('redacts them, also nested and inside text', () => {
      const scrubbed = scrubAuditDetail({
        note: 'call +27821234567 later',
        nested: { who: '082 123 4567', list: ['27821234567', 'ok'] },
        leaked: `wk_${'a'.repeat(43)}`,
      });
      expect(scrubbed).toEqual({
        note: '[redacted]',
        nested: { who: '[redacted]', list: ['[redacted]', 'ok'] },
        leaked: '[redacted]',
      });
    });

    it('keeps dates, uuids and small numbers', () => {
      const kept = {
        at: '2026-12-03T19:31:29Z',
        id: '550e8400-e29b-41d4-a716-446655440000',
        rows: 12345,
      };
      expect(scrubAuditDetail(kept)).toEqual(kept);
    });
  });
});
