import { describe, expect, it } from 'vitest';
import { t, type Reply } from '../flows/index.ts';
import {
  decodeEnvelope,
  encodeEnvelope,
  menuOf,
  type SessionEnvelope,
} from './session-envelope.ts';

const flow = {
  id: 'customer',
  version: 3,
  contextDefaults: { page: 1, productId: null, tags: [] },
};
const snapshot = {
  status: 'active',
  value: { browsing: 'list' },
  historyValue: {},
  context: { language: 'zu', page: 1, productId: null, tags: ['a'] },
  children: {},
};
const envelope = {
  v: 2,
  flowId: 'customer',
  flowVersion: 3,
  snapshot,
  menu: [
    ['1', 'shop'],
    ['0', 'nav.back'],
    ['98', 'nav.more'],
  ],
  updatedAt: 1_700_000_000_000,
} as unknown as SessionEnvelope;

describe('encodeEnvelope', () => {
  it('leaves out XState defaults and context at the flow defaults', () => {
    const stored = JSON.parse(encodeEnvelope(envelope, flow)) as {
      snapshot: Record<string, unknown>;
    };
    expect(stored.snapshot).toEqual({
      value: { browsing: 'list' },
      context: { language: 'zu', tags: ['a'] },
    });
  });

  it('keeps a status other than active and a changed default', () => {
    const done = {
      ...envelope,
      snapshot: { ...snapshot, status: 'done', context: { page: 2 } },
    } as unknown as SessionEnvelope;
    const stored = JSON.parse(encodeEnvelope(done, flow)) as {
      snapshot: Record<string, unknown>;
    };
    expect(stored.snapshot).toMatchObject({
      status: 'done',
      context: { page: 2 },
    });
  });
});

describe('decodeEnvelope', () => {
  describe('when the session belongs to the flow at its version', () => {
    it('gives back the whole envelope, defaults restored', () => {
      const decoded = decodeEnvelope(encodeEnvelope(envelope, flow), flow);
      // The menu comes back in digit order; order carries no meaning there.
      expect(decoded).toEqual({
        isUsable: true,
        envelope: { ...envelope, menu: expect.any(Array) as unknown },
      });
    });

    it('keeps menu digits such as 0 and 98 with their option ids', () => {
      const decoded = decodeEnvelope(encodeEnvelope(envelope, flow), flow);
      const menu = decoded.isUsable ? decoded.envelope.menu : [];
      expect(new Map(menu)).toEqual(new Map(envelope.menu));
    });
  });

  describe('when the session cannot be used', () => {
    const stored = JSON.parse(encodeEnvelope(envelope, flow)) as object;
    it.each([
      ['unreadable', '{"v":1'],
      ['unreadable', JSON.stringify({ ...envelope, menu: [['1']] })],
      ['unreadable', JSON.stringify({ ...envelope, menu: { 1: 7 } })],
      ['unreadable', 'null'],
      ['engine_version', JSON.stringify({ ...envelope, v: 1, menu: {} })],
      ['other_flow', JSON.stringify({ ...stored, flowId: 'vendor' })],
      ['flow_version', JSON.stringify({ ...stored, flowVersion: 2 })],
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
