import { describe, expect, it } from 'vitest';
import { classifyGraphError } from './graph-error.ts';

describe('classifyGraphError', () => {
  it.each([
    [400, 130429, 'retry'],
    [400, 131056, 'retry'],
    [500, undefined, 'retry'],
    [503, 131000, 'retry'],
    [0, undefined, 'retry'],
    [400, 131047, 'template'],
    [400, 131026, 'give_up'],
    [400, 131050, 'give_up'],
    [400, 130403, 'give_up'],
    [400, 132001, 'give_up'],
    [401, 190, 'give_up'],
  ])('answers HTTP %i code %s with %s', (status, code, action) => {
    expect(classifyGraphError(status, code)).toBe(action);
  });
});
