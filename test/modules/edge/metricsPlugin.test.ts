import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { hasDeprecations } from '../../../src/modules/edge/metricsPlugin.js';
import { schema } from '../../../src/schema.js';

/** The deprecated-field counter walks documents only when the schema deprecates something (metricsPlugin.ts). */
describe('hasDeprecations', () => {
  it('is false for the API’s schema today (nothing deprecated)', () => {
    expect(hasDeprecations(schema)).toBe(false);
  });

  it('sees a deprecated field, argument, input field or enum value', () => {
    const base = 'type Query { a: Int }';
    expect(hasDeprecations(buildSchema(base))).toBe(false);
    expect(hasDeprecations(buildSchema('type Query { a: Int @deprecated(reason: "b") }'))).toBe(true);
    expect(hasDeprecations(buildSchema('type Query { a(x: Int @deprecated): Int }'))).toBe(true);
    expect(hasDeprecations(buildSchema('input I { x: Int @deprecated } type Query { a(i: I): Int }'))).toBe(true);
    expect(hasDeprecations(buildSchema('enum E { X Y @deprecated } type Query { a: E }'))).toBe(true);
    expect(hasDeprecations(buildSchema('interface N { a: Int @deprecated } type Query implements N { a: Int }'))).toBe(true);
  });
});
