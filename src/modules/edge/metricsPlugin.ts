import { createCounter, type FillLabelsFnParams, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { type GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Registry } from 'prom-client';
import { registry } from './metrics.js';

/** Yoga's own metrics on a registry of this API; `/metrics` answers both registries. */
export function metricsPlugin(): Plugin {
  const apiRegistry = new Registry();
  // The deprecated-field counter as the plugin's default makes it (name, help, labels), except
  // that it walks a document (with TypeInfo, on every request, parse-cache hits included) only
  // when the schema deprecates something: otherwise the walk can find nothing (docs/performance.md).
  let deprecates = true;
  type Labels = 'operationType' | 'operationName' | 'fieldName' | 'typeName';
  const deprecatedFields = createCounter<'parse', Labels, FillLabelsFnParams & { deprecationInfo: { fieldName: string; typeName: string } }>({
    registry: apiRegistry,
    counter: {
      name: 'graphql_envelop_deprecated_field',
      help: 'Counts the amount of deprecated fields used in selection sets',
      labelNames: ['operationType', 'operationName', 'fieldName', 'typeName'],
    },
    // operationName is not a label here (labels below): left out, as the plugin's own fill leaves it.
    fillLabelsFn: (params) =>
      ({ operationType: params.operationType, fieldName: params.deprecationInfo.fieldName, typeName: params.deprecationInfo.typeName }) as Record<
        Labels,
        string
      >,
    phases: ['parse'],
    shouldObserve: () => deprecates,
  });
  return {
    onSchemaChange({ schema }) {
      deprecates = hasDeprecations(schema);
    },
    onPluginInit({ addPlugin }) {
      addPlugin(
        usePrometheus({
          registry: apiRegistry,
          endpoint: false,
          labels: { operationName: false, path: false, url: false },
          metrics: {
            graphql_yoga_http_duration: true,
            graphql_envelop_request_duration: true,
            graphql_envelop_error_result: true,
            graphql_envelop_phase_execute: true,
            graphql_envelop_phase_parse: true,
            graphql_envelop_phase_validate: true,
            graphql_envelop_deprecated_field: deprecatedFields,
          },
        }),
      );
    },
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics') return;
      const merged = Registry.merge([registry, apiRegistry]);
      endResponse(new fetchAPI.Response(await merged.metrics(), { headers: { 'content-type': merged.contentType } }));
    },
  };
}

/** True when the schema deprecates a field, an argument, an input field or an enum value. */
export function hasDeprecations(schema: GraphQLSchema): boolean {
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (field.deprecationReason != null || field.args.some((arg) => arg.deprecationReason != null)) return true;
      }
    } else if (isInputObjectType(type)) {
      if (Object.values(type.getFields()).some((field) => field.deprecationReason != null)) return true;
    } else if (isEnumType(type)) {
      if (type.getValues().some((value) => value.deprecationReason != null)) return true;
    }
  }
  for (const directive of schema.getDirectives()) if (directive.args.some((arg) => arg.deprecationReason != null)) return true;
  return false;
}
