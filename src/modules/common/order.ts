import { builder } from '../../builder.js';

/** The sort direction every `orderBy` of the API shares. */
export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction of an `orderBy`.',
  values: {
    ASC: { description: 'Smallest first (A to Я for names).' },
    DESC: { description: 'Largest first (Я to A for names).' },
  } as const,
});
