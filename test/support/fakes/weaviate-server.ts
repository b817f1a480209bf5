import { createServer, ServerError, Status } from 'nice-grpc';
// The client's own generated protobuf definitions (ts-proto), so the server speaks exactly its wire format.
import {
  HealthCheckResponse_ServingStatus,
  HealthDefinition,
} from '../../../node_modules/weaviate-client/dist/node/esm/proto/google/health/v1/health.js';
import { WeaviateDefinition } from '../../../node_modules/weaviate-client/dist/node/esm/proto/v1/weaviate.js';
import { Filters_Operator } from '../../../node_modules/weaviate-client/dist/node/esm/proto/v1/base.js';
import { type JsonServer, startJsonServer } from './http-json.js';

/**
 * A local Weaviate 1.28 for the parts `weaviate-client` 3.x uses for Sophia:
 *  - REST: GET /v1/meta, GET/POST/DELETE /v1/schema[/{class}], POST /v1/graphql (Aggregate meta count);
 *  - gRPC: weaviate.v1.Weaviate/BatchObjects, BatchDelete, Search (nearVector, filters incl. And/Or/Not,
 *    Equal, NotEqual, ContainsAny, GreaterThan...), and grpc.health.v1.Health/Check.
 * Exact cosine search. Authorization: Bearer <key> is checked on both.
 */
interface StoredObject {
  uuid: string;
  vector: number[];
  props: Record<string, unknown>;
}

export interface FakeWeaviate {
  url: string;
  grpc: string;
  classes: Map<string, Map<string, StoredObject>>;
  close(): Promise<void>;
}

function bytesToFloat32(bytes: Uint8Array): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.byteLength; i += 4) out.push(dv.getFloat32(i, true));
  return out;
}

function bytesToFloat64(bytes: Uint8Array): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 8 <= bytes.byteLength; i += 8) out.push(dv.getFloat64(i, true));
  return out;
}

function cosineDistance(a: number[], b: number[]): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return 1 - (na && nb ? d / Math.sqrt(na * nb) : 0);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function propsOf(o: any): Record<string, unknown> {
  const p = o.properties ?? {};
  const out: Record<string, unknown> = { ...(p.nonRefProperties ?? {}) };
  for (const a of p.textArrayProperties ?? []) out[a.propName] = a.values;
  for (const a of p.intArrayProperties ?? []) out[a.propName] = a.values.map(Number);
  for (const a of p.numberArrayProperties ?? [])
    out[a.propName] = a.valuesBytes?.length ? bytesToFloat64(a.valuesBytes) : a.values;
  for (const a of p.booleanArrayProperties ?? []) out[a.propName] = a.values;
  for (const k of p.emptyListProps ?? []) out[k] = [];
  return out;
}

function vectorOf(o: any): number[] {
  if (o.vectorBytes?.length) return bytesToFloat32(o.vectorBytes);
  if (o.vector?.length) return o.vector;
  const v = (o.vectors ?? [])[0];
  if (v?.vectorBytes?.length) return bytesToFloat32(v.vectorBytes);
  return [];
}

/** Interprets a Weaviate gRPC filter against an object, with Weaviate's documented meanings. */
function evalFilter(f: any, obj: StoredObject): boolean {
  const op = f.operator as Filters_Operator;
  if (op === Filters_Operator.OPERATOR_AND) return f.filters.every((c: any) => evalFilter(c, obj));
  if (op === Filters_Operator.OPERATOR_OR) return f.filters.some((c: any) => evalFilter(c, obj));
  if (op === Filters_Operator.OPERATOR_NOT) return !evalFilter(f.filters[0], obj);
  const path: string = f.target?.property ?? f.on?.[0];
  const field = path === '_id' ? obj.uuid : obj.props[path];
  const value: unknown =
    f.valueText ??
    f.valueInt ??
    f.valueNumber ??
    f.valueBoolean ??
    f.valueTextArray?.values ??
    f.valueIntArray?.values ??
    f.valueNumberArray?.values ??
    f.valueBooleanArray?.values;
  const scalar = typeof value === 'bigint' ? Number(value) : value;
  const has = (x: unknown) => (Array.isArray(field) ? field.includes(x) : field === x);
  switch (op) {
    case Filters_Operator.OPERATOR_EQUAL:
      return has(scalar);
    case Filters_Operator.OPERATOR_NOT_EQUAL:
      return !has(scalar);
    case Filters_Operator.OPERATOR_CONTAINS_ANY:
      return (scalar as unknown[]).map((x) => (typeof x === 'bigint' ? Number(x) : x)).some(has);
    case Filters_Operator.OPERATOR_GREATER_THAN:
      return typeof field === 'number' && field > (scalar as number);
    case Filters_Operator.OPERATOR_GREATER_THAN_EQUAL:
      return typeof field === 'number' && field >= (scalar as number);
    case Filters_Operator.OPERATOR_LESS_THAN:
      return typeof field === 'number' && field < (scalar as number);
    case Filters_Operator.OPERATOR_LESS_THAN_EQUAL:
      return typeof field === 'number' && field <= (scalar as number);
    default:
      throw new ServerError(Status.INVALID_ARGUMENT, `operator ${op} not supported by the fake`);
  }
}

function toValue(v: unknown): any {
  if (typeof v === 'string') return { textValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { textValues: { values: v } } };
  return { nullValue: 0 };
}

export async function startFakeWeaviate(options: { apiKey: string }): Promise<FakeWeaviate> {
  const classes = new Map<string, Map<string, StoredObject>>();
  const authOk = (h: string | undefined) => h === `Bearer ${options.apiKey}`;
  const checkGrpcAuth = (ctx: any) => {
    if (!authOk(ctx.metadata.get('authorization')))
      throw new ServerError(Status.UNAUTHENTICATED, 'unauthorized');
  };
  const klass = (name: string) => {
    const c = classes.get(name);
    if (!c) throw new ServerError(Status.NOT_FOUND, `class ${name} not found`);
    return c;
  };

  const grpcServer = createServer();
  grpcServer.add(HealthDefinition, {
    async check() {
      return { status: HealthCheckResponse_ServingStatus.SERVING };
    },
    async *watch() {},
  } as any);
  const unimplemented = Object.fromEntries(
    Object.keys(WeaviateDefinition.methods).map((m) => [
      m,
      async () => {
        throw new ServerError(Status.UNIMPLEMENTED, `${m} is not served by the fake`);
      },
    ]),
  );
  grpcServer.add(WeaviateDefinition, {
    ...unimplemented,
    async batchObjects(req: any, ctx: any) {
      checkGrpcAuth(ctx);
      const errors: any[] = [];
      req.objects.forEach((o: any, index: number) => {
        const c = classes.get(o.collection);
        if (!c) return errors.push({ index, error: `class ${o.collection} not found` });
        c.set(o.uuid, { uuid: o.uuid, vector: vectorOf(o), props: propsOf(o) });
      });
      return { took: 0.001, errors };
    },
    async batchDelete(req: any, ctx: any) {
      checkGrpcAuth(ctx);
      const c = klass(req.collection);
      let n = 0;
      for (const [id, o] of c) {
        if (evalFilter(req.filters, o)) {
          c.delete(id);
          n++;
        }
      }
      return { took: 0.001, failed: 0, matches: n, successful: n, objects: [] };
    },
    async search(req: any, ctx: any) {
      checkGrpcAuth(ctx);
      const c = klass(req.collection);
      const nv = req.nearVector;
      const q = nv ? vectorOf(nv) : [];
      const hits = [...c.values()]
        .filter((o) => !req.filters || evalFilter(req.filters, o))
        .map((o) => ({ o, distance: q.length ? cosineDistance(q, o.vector) : 0 }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, req.limit || 10);
      return {
        took: 0.001,
        results: hits.map(({ o, distance }) => ({
          properties: {
            nonRefProps: {
              fields: Object.fromEntries(Object.entries(o.props).map(([k, v]) => [k, toValue(v)])),
            },
            refProps: [],
            targetCollection: req.collection,
            refPropsRequested: false,
          },
          metadata: { id: o.uuid, distance, distancePresent: true },
        })),
      };
    },
  } as any);
  const grpcPort = await grpcServer.listen('127.0.0.1:0');

  const rest: JsonServer = await startJsonServer(({ method, path, headers, body }) => {
    if (!authOk(headers.authorization as string | undefined))
      return {
        status: 401,
        body: { code: 401, message: 'anonymous access not enabled, please provide an auth scheme' },
      };
    if (method === 'GET' && path === '/v1/meta')
      return {
        body: { hostname: 'http://[::]:8080', version: '1.28.4', modules: {}, grpcMaxMessageSize: 104858000 },
      };
    if (path === '/v1/.well-known/ready' || path === '/v1/.well-known/live') return { status: 200 };
    const m = /^\/v1\/schema(?:\/([A-Za-z0-9_]+))?$/.exec(path);
    if (m) {
      const name = m[1];
      if (method === 'GET' && name)
        return classes.has(name)
          ? {
              body: {
                class: name,
                properties: [],
                vectorizer: 'none',
                vectorIndexConfig: { distance: 'cosine' },
              },
            }
          : { status: 404 };
      if (method === 'GET') return { body: { classes: [...classes.keys()].map((c) => ({ class: c })) } };
      if (method === 'POST') {
        const cls = (body as { class?: string }).class ?? '';
        if (!/^[A-Z][_0-9A-Za-z]*$/.test(cls))
          return { status: 422, body: { error: [{ message: `'${cls}' is not a valid class name` }] } };
        if (classes.has(cls))
          return { status: 422, body: { error: [{ message: `class name ${cls} already exists` }] } };
        classes.set(cls, new Map());
        return { body };
      }
      if (method === 'DELETE' && name) {
        classes.delete(name);
        return { status: 200 };
      }
    }
    if (method === 'POST' && path === '/v1/graphql') {
      const query = String((body as { query?: string }).query ?? '');
      const cm = /Aggregate\s*\{\s*([A-Za-z0-9_]+)/.exec(query);
      if (!cm) return { body: { errors: [{ message: 'fake supports Aggregate meta count only' }] } };
      const c = classes.get(cm[1]!);
      if (!c)
        return {
          body: { errors: [{ message: `Cannot query field "${cm[1]}" on type "AggregateObjectsObj".` }] },
        };
      return { body: { data: { Aggregate: { [cm[1]!]: [{ meta: { count: c.size } }] } } } };
    }
    return { status: 404, body: { error: [{ message: `no route ${method} ${path}` }] } };
  });

  return {
    url: rest.url,
    grpc: `127.0.0.1:${grpcPort}`,
    classes,
    async close() {
      await rest.close();
      await grpcServer.shutdown();
    },
  };
}
