import { describe, expect, it } from 'vitest';
import { t, type Reply } from '../flows/index.ts';
import {
  decodeEnvelope,
  encodeEnvelope,
  menuOf,
  type SessionEnvelope,
} from './session-envelope.ts';

const flow = { id: 'customer', version: 3 };
const envelope: SessionEnvelope = {
  v: 1,
  flowId: 'customer',
  flowVersion: 3,
  snapshot: { status: 'active', output: undefined, error: undefined },
  menu: [['1', 'shop']],
  updatedAt: 1_700_000_000_000,
};

describe('decodeEnvelope', () => {
  describe('when the session belongs to the flow at its version', () => {
    it('returns the envelope after a JSON round trip', () => {
      const decoded = decodeEnvelope(encodeEnvelope(envelope), flow);
      expect(decoded).toEqual({
        isUsable: true,
        envelope: JSON.parse(JSON.stringify(envelope)) as unknown,
      });
    });
  });

  describe('when the session cannot be used', () => {
    it.each([
      ['unreadable', '{"v":1'],
      ['unreadable', JSON.stringify({ ...envelope, menu: [['1']] })],
      ['unreadable', 'null'],
      ['engine_version', JSON.stringify({ ...envelope, v: 2 })],
      ['other_flow', JSON.stringify({ ...envelope, flowId: 'vendor' })],
      ['flow_version', JSON.stringify({ ...envelope, flowVersion: 2 })],
    ])('says %s', (reason, raw) => {
      expect(decodeEnvelope(raw, flow)).toEqual({ isUsable: false, reason });
    });
  });
});

describe('menuOf', () => {
  const menu = (id: string): Reply => ({
    kind: 'menu',
    text: t('x'),
    options: [
      { id, label: t('a') },
      { id: 'nav.back', label: t('b'), role: 'back' },
    ],
  });

  it('numbers the options of the last menu of the turn', () => {
    const replies: Reply[] = [
      menu('first'),
      { kind: 'text', text: t('y') },
      menu('last'),
    ];
    expect(menuOf(replies)).toEqual([
      ['1', 'last'],
      ['0', 'nav.back'],
    ]);
  });

  it('is empty when the turn sent no menu', () => {
    expect(menuOf([{ kind: 'text', text: t('y') }])).toEqual([]);
  });
});
