import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import { BigIntResolver, LocalDateResolver, URLResolver } from 'graphql-scalars';
import type { Context } from './context.js';
import { prisma } from './db/prisma.js';
import type PrismaTypes from './generated/pothos-types.js';
import { getDatamodel } from './generated/pothos-types.js';

/**
 * The schema builder: plugins, scalars and defaults only. Types live in src/schema, one file per
 * domain type.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    Date: { Input: string; Output: string };
    URL: { Input: URL; Output: string | URL };
    BigInt: { Input: bigint; Output: bigint | number | string };
  };
}>({
  plugins: [RelayPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
  },
  prisma: {
    client: () => prisma(),
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
    defaultConnectionSize: 20,
    maxConnectionSize: 100,
  },
});

builder.addScalarType('Date', LocalDateResolver, {
  description: 'A calendar day, `YYYY-MM-DD` (ISO 8601), with no time zone.',
});
builder.addScalarType('URL', URLResolver, { description: 'An absolute URL, e.g. `https://vk.com/club1`.' });
builder.addScalarType('BigInt', BigIntResolver, {
  description:
    'A whole number that may exceed 32 bits, such as a subscriber sum. Sent as a JSON number while it is a safe integer (below 2^53), as a decimal string beyond.',
});

builder.queryType({ description: 'Read access to territories, organisations, their official pages and subscriber figures.' });
