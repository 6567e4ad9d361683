import { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';
import { builder } from '../../builder.js';
import { prisma } from '../../db/prisma.js';
import { resolveScopeFilter } from '../figures/filter.js';
import { Stats } from '../figures/schema.js';
import { territoryCode } from '../territory/code.js';
import { Territory } from '../territory/schema.js';
import type { FiguresEvent, LiveTerritory } from './hub.js';
import { liveOf } from './service.js';

/*
 * Live figures (Subscription.figuresChanged) over Server-Sent Events and WebSocket: the events
 * come from the process's LiveFigures (hub.ts); this file only checks the arguments, takes a
 * stream from the client's allowance (limits.ts) and hands the hub's events on.
 */

const FiguresChange = builder.objectRef<FiguresEvent>('FiguresChange').implement({
  description: 'New figures of a followed territory, sent after a committed load changed them.',
  fields: (t) => ({
    territory: t.field({ type: Territory, description: 'The territory followed.', resolve: (event) => event.territory as never }),
    stats: t.field({
      type: Stats,
      description: "The territory's current figures under the subscription's platforms and sectors (the same as `Territory.stats` with those arguments).",
      resolve: (event) => event.stats,
    }),
    dataVersion: t.int({
      description: 'The data version that holds these figures (compare with a query answer’s `extensions.dataVersion.version`).',
      resolve: (event) => event.dataVersion,
    }),
  }),
});

builder.subscriptionType({
  description:
    'Live figures, over Server-Sent Events (`Accept: text/event-stream`, GraphQL over SSE) or WebSocket (`graphql-ws`, path /graphql). A client address (or API key) may hold a limited number of streams open at once.',
});

builder.subscriptionField('figuresChanged', (t) =>
  t.field({
    authScopes: { public: true },
    type: FiguresChange,
    description:
      "An event each time a committed load changes this territory's figures (with these filters): at most one per load, within about a second of its commit; nothing is sent while they stay the same. The stream carries keep-alive comments (SSE) or pings (WebSocket). Refused with TOO_MANY_STREAMS when the client holds too many open.",
    args: {
      territory: t.arg.string({ required: true, description: 'The territory code (as `territory(code:)`).' }),
      platforms: t.arg.stringList({ description: 'Only these platforms (codes, e.g. `["VK","OK"]`); all when absent.' }),
      sectors: t.arg.stringList({ description: 'Only organisations of these sectors (codes); all when absent.' }),
    },
    subscribe: async (_root, args, context) => {
      const live = liveOf(context.request);
      if (!live) throw new GraphQLError('Live figures are not served here.', { extensions: { code: 'UNAVAILABLE' } });
      const code = territoryCode(args.territory, 'territory');
      const filter = resolveScopeFilter(await context.loaders.catalogue(), args);
      const territory = (await prisma().territory.findUnique({ where: { code } })) as LiveTerritory | null;
      if (!territory) throw new GraphQLError(`No territory has the code “${code}”.`, { extensions: { code: 'NOT_FOUND', argumentName: 'territory' } });
      const release = live.streams.acquire(await live.budgetFor(context.request, context));
      const events = live.figures.watch({ territory, filter });
      // The client's stream is released however it ends (closed, refused later, server shutdown).
      return new Repeater<FiguresEvent>(async (push, stop) => {
        stop.then(() => events.return());
        try {
          for await (const event of events) await push(event);
        } finally {
          release();
          stop();
        }
      });
    },
    resolve: (event) => event,
  }),
);
