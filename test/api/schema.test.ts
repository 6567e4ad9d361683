import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type GraphQLField,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/printSchema.js';
import { schema } from '../../src/schema.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

/** Every type, field, argument, input field and enum value without a description, by its coordinate. */
function undocumented(types: readonly GraphQLNamedType[]): string[] {
  const missing: string[] = [];
  const check = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(coordinate);
  };
  for (const type of types) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    } else if (!isScalarType(type) && !isUnionType(type)) {
      throw new Error(`unexpected kind of type ${(type as GraphQLNamedType).name}`);
    }
  }
  return missing;
}

describe('the GraphQL schema', () => {
  it('is what schema.graphql holds (run `npm run schema:print` after changing it)', async () => {
    expect(printedSchema()).toBe(await fs.readFile(SCHEMA_FILE, 'utf8'));
  });

  it('describes every type, field, argument, input field and enum value', () => {
    expect(undocumented(Object.values(schema.getTypeMap()))).toEqual([]);
  });

  it('keeps lists and booleans non-null', () => {
    const nullable: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        const named = field.type.toString();
        const isList = named.replace(/!$/, '').startsWith('[');
        if ((isList || named.startsWith('Boolean')) && !named.endsWith('!')) nullable.push(`${type.name}.${field.name}: ${named}`);
      }
    }
    expect(nullable).toEqual([]);
  });

  it('names the public contract (the core names clients rely on; never renamed)', () => {
    const query = schema.getQueryType()!.getFields();
    expect(Object.keys(query)).toEqual(expect.arrayContaining(['node', 'nodes', 'territory', 'territories', 'organisations', 'page', 'platforms', 'sectors']));
    const territory = schema.getType('Territory');
    expect(isObjectType(territory) && Object.keys(territory.getFields())).toEqual(
      expect.arrayContaining(['id', 'code', 'name', 'level', 'parent', 'ancestors', 'children', 'organisations']),
    );
    const organisation = schema.getType('Organisation');
    expect(isObjectType(organisation) && Object.keys(organisation.getFields())).toEqual(
      expect.arrayContaining(['id', 'externalId', 'name', 'kind', 'inn', 'ogrn', 'territory', 'sector', 'pages']),
    );
    const page = schema.getType('Page');
    expect(isObjectType(page) && Object.keys(page.getFields())).toEqual(
      expect.arrayContaining(['id', 'platform', 'externalId', 'url', 'name', 'verified', 'status', 'subscribers', 'observedAt', 'organisation']),
    );
    for (const connection of ['TerritoryConnection', 'OrganisationConnection']) {
      const type = schema.getType(connection);
      expect(isObjectType(type) && Object.keys(type.getFields()).sort()).toEqual(['edges', 'nodes', 'pageInfo', 'totalCount']);
    }
  });
});
