import { matches, parseFilter } from '../../../shared/search/vector-store/filter.js';
import type { Metadata } from '../../../shared/search/vector-store/vector-store.js';
import { type JsonServer, startJsonServer } from './http-json.js';

/**
 * A local server speaking the parts of Pinecone's REST API (2025-04) that `@pinecone-database/pinecone`
 * uses for Sophia: control plane GET /indexes/{name}; data plane POST /vectors/upsert, /query,
 * /vectors/delete, /describe_index_stats. Exact cosine search; filters with Pinecone's operators; the
 * Api-Key header is checked.
 */
interface Stored {
  values: number[];
  metadata: Metadata;
}

export interface FakePinecone extends JsonServer {
  namespaces: Map<string, Map<string, Stored>>;
}

export async function startFakePinecone(options: {
  apiKey: string;
  index: string;
  dimension: number;
}): Promise<FakePinecone> {
  const namespaces = new Map<string, Map<string, Stored>>();
  const ns = (name: unknown) => {
    const key = typeof name === 'string' ? name : '';
    let m = namespaces.get(key);
    if (!m) namespaces.set(key, (m = new Map()));
    return m;
  };
  const ref: { self?: JsonServer } = {};
  const server = await startJsonServer(({ method, path, headers, body }) => {
    if (headers['api-key'] !== options.apiKey)
      return {
        status: 401,
        body: { error: { code: 'UNAUTHENTICATED', message: 'Invalid API Key' }, status: 401 },
      };
    const b = (body ?? {}) as Record<string, unknown>;
    if (method === 'GET' && path === `/indexes/${options.index}`) {
      return {
        body: {
          name: options.index,
          dimension: options.dimension,
          metric: 'cosine',
          host: ref.self!.url,
          vector_type: 'dense',
          deletion_protection: 'disabled',
          spec: { serverless: { cloud: 'aws', region: 'us-east-1' } },
          status: { ready: true, state: 'Ready' },
        },
      };
    }
    if (method === 'GET' && path.startsWith('/indexes/'))
      return {
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: 'Resource not found' }, status: 404 },
      };
    if (method === 'POST' && path === '/vectors/upsert') {
      const vectors = (b.vectors ?? []) as Array<{ id: string; values: number[]; metadata?: Metadata }>;
      for (const v of vectors) {
        if (v.values.length !== options.dimension)
          return {
            status: 400,
            body: {
              code: 3,
              message: `Vector dimension ${v.values.length} does not match the dimension of the index ${options.dimension}`,
            },
          };
      }
      const m = ns(b.namespace);
      for (const v of vectors) m.set(v.id, { values: v.values, metadata: v.metadata ?? {} });
      return { body: { upsertedCount: vectors.length } };
    }
    if (method === 'POST' && path === '/query') {
      const vector = b.vector as number[];
      if (!Array.isArray(vector) || vector.length !== options.dimension)
        return { status: 400, body: { code: 3, message: 'Query vector dimension does not match the index' } };
      let filter;
      try {
        filter = b.filter ? parseFilter(b.filter) : undefined;
      } catch (err) {
        return { status: 400, body: { code: 3, message: `Invalid filter: ${(err as Error).message}` } };
      }
      const scored = [...ns(b.namespace).entries()]
        .filter(([, s]) => !filter || matches(filter, s.metadata))
        .map(([id, s]) => ({
          id,
          score: cos(vector, s.values),
          ...(b.includeMetadata ? { metadata: s.metadata } : {}),
        }))
        .sort((x, y) => y.score - x.score)
        .slice(0, Number(b.topK ?? 10));
      return { body: { matches: scored, namespace: b.namespace ?? '', usage: { readUnits: 1 } } };
    }
    if (method === 'POST' && path === '/vectors/delete') {
      const m = ns(b.namespace);
      if (b.deleteAll) namespaces.delete(typeof b.namespace === 'string' ? b.namespace : '');
      else for (const id of (b.ids ?? []) as string[]) m.delete(id);
      return { body: {} };
    }
    if (method === 'POST' && path === '/describe_index_stats') {
      const out: Record<string, { vectorCount: number }> = {};
      let total = 0;
      for (const [name, m] of namespaces) {
        if (m.size === 0) continue;
        out[name] = { vectorCount: m.size };
        total += m.size;
      }
      return {
        body: { namespaces: out, dimension: options.dimension, indexFullness: 0, totalVectorCount: total },
      };
    }
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: `no route ${method} ${path}` } } };
  });
  ref.self = server;
  return Object.assign(server, { namespaces });
}

function cos(a: number[], b: number[]): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? d / Math.sqrt(na * nb) : 0;
}
