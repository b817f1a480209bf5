import type { Filter } from './vector-store/filter.js';

/** What a search may be narrowed to, the same for full-text and vectors. */
export interface SearchFilter {
  /** Exact document paths. */
  paths?: string[] | undefined;
  /** A folder: documents whose path starts with `prefix/`. */
  pathPrefix?: string | undefined;
  /** Documents carrying any of these tags. */
  tags?: string[] | undefined;
}

/** The folders above a path, e.g. a/b/c.md -> ['a', 'a/b'] (stored with each vector for prefix filters). */
export function ancestors(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

export function normalizePrefix(prefix: string | undefined): string | undefined {
  if (prefix === undefined) return undefined;
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p === '' ? undefined : p;
}

/** The same restriction in the vector stores' filter language. */
export function toVectorFilter(f: SearchFilter | undefined): Filter | undefined {
  if (!f) return undefined;
  const parts: Filter[] = [];
  if (f.paths?.length) parts.push({ path: { $in: f.paths } });
  const prefix = normalizePrefix(f.pathPrefix);
  if (prefix) parts.push({ dirs: prefix });
  if (f.tags?.length) parts.push({ tags: { $in: f.tags } });
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { $and: parts };
}
