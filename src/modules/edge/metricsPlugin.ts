import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Registry } from 'prom-client';
import { registry } from './metrics.js';

/** Yoga's own metrics on a registry of this API; `/metrics` answers both registries. */
export function metricsPlugin(): Plugin {
  const apiRegistry = new Registry();
  return {
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
