import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { type DocumentNode, parse, print, separateOperations } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The example operations shipped with the project (README), callable by id. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));

/**
 * Trusted documents: operations known to the server, callable by id with
 * `GET /graphql?id=<name>:<OperationName>&variables=…` (e.g.
 * `?id=region-dashboard:RegionDashboard`), the natural way for a portal to cache at a CDN: the URL
 * is short and stable. A document with one operation is also callable by its name alone
 * (`?id=territory-search`). Arbitrary operations stay allowed.
 */
export class DocumentRegistry {
  private readonly byId = new Map<string, { text: string; operationName: string }>();

  /** Adds documents: name → GraphQL text (one or more operations and their fragments). */
  register(documents: Record<string, string>): this {
    for (const [name, text] of Object.entries(documents)) {
      const operations = Object.entries(separateOperations(parse(text)));
      for (const [operationName, document] of operations) {
        const entry = { text: print(document as DocumentNode), operationName };
        this.byId.set(`${name}:${operationName}`, entry);
        if (operations.length === 1) this.byId.set(name, entry);
      }
    }
    return this;
  }

  get(id: string): { text: string; operationName: string } | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Every registered operation, one per id with an operation name (for GraphiQL's tabs). */
  entries(): { id: string; text: string }[] {
    return [...this.byId.entries()].filter(([id]) => id.includes(':')).map(([id, entry]) => ({ id, text: entry.text }));
  }
}

/** examples/*.graphql by file name without the extension. */
export function exampleDocuments(dir: string = EXAMPLES_DIR): Record<string, string> {
  const documents: Record<string, string> = {};
  if (!fs.existsSync(dir)) return documents;
  for (const file of fs.readdirSync(dir).sort()) {
    if (file.endsWith('.graphql')) documents[path.basename(file, '.graphql')] = fs.readFileSync(path.join(dir, file), 'utf8');
  }
  return documents;
}

/**
 * Yoga's persisted-operations plugin over a registry: the id is read from the URL's `id`
 * parameter (Yoga's GET parser ignores unknown parameters) or from a POST body's `extensions.persistedId`.
 * Must come before the response cache in the plugin list, so that the cache keys on the resolved document.
 */
export function trustedDocumentsPlugin(registry: DocumentRegistry): Plugin {
  const idOf = (params: { extensions?: unknown }, request: Request): string | null => {
    // A URL without a query string has no `id` parameter: no URL parse for the common POST.
    const fromUrl = request.url.includes('?') ? new URL(request.url).searchParams.get('id') : null;
    const fromBody = (params.extensions as { persistedId?: unknown } | undefined)?.persistedId;
    return fromUrl ?? (typeof fromBody === 'string' ? fromBody : null);
  };
  const persisted = usePersistedOperations({
    allowArbitraryOperations: true,
    extractPersistedOperationId: (params, request) => idOf(params, request),
    getPersistedOperation: (id) => registry.get(id)?.text ?? null,
    customErrors: {
      notFound: {
        message: 'No trusted document has this id; the ids are `<example file>:<OperationName>`, e.g. `region-dashboard:RegionDashboard`.',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
      },
      keyNotFound: { message: 'Send `query`, or `id` naming a trusted document.', extensions: { code: 'BAD_REQUEST' } },
    },
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(persisted);
    },
    onParams({ request, params, setParams }) {
      // Before or after the persisted plugin's onParams: give the operation its name when the id chose it.
      const id = idOf(params, request);
      const entry = id ? registry.get(id) : undefined;
      if (entry && !params.operationName && (!params.query || params.query === entry.text)) setParams({ ...params, operationName: entry.operationName });
    },
  };
}
