import { describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../../src/engine/flow-definition.ts';
import { customerFlow, createCustomerInput } from '../../src/flows/index.ts';
import type { ResolvedTenant } from '../../src/tenancy/tenant-context.ts';

const tenant: ResolvedTenant = {
  id: 't1',
  slug: 'demo',
  name: 'Demo spaza',
  tier: 'basic',
  status: 'active',
  shardId: 's1',
  schemaName: 'tenant_t1',
  defaultLanguage: 'xh',
  sessionTtlSeconds: 600,
  settings: {},
};

describe('customerFlow', () => {
  it('is a flow definition the turn runner can drive', () => {
    const definition: FlowDefinition = customerFlow;
    expect(definition).toMatchObject({ id: 'customer', version: 1 });
  });

  describe('when a conversation starts', () => {
    it('takes the language and name from the tenant', () => {
      const input = customerFlow.createInput({
        contact: { id: '+27821234567' },
        channel: 'ussd',
        tenant,
      });
      expect(input).toMatchObject({
        contactId: '+27821234567',
        phone: '+27821234567',
        channel: 'ussd',
        language: 'xh',
        shopName: 'Demo spaza',
      });
      expect(input.sessionId).toMatch(/^[0-9a-f]{12}$/);
    });

    it('has no phone when the contact id is not a number', () => {
      const input = createCustomerInput(
        { contact: { id: 'x9@lid' }, channel: 'wweb', tenant },
        'fixed',
      );
      expect(input).toMatchObject({ phone: null, sessionId: 'fixed' });
    });
  });
});
