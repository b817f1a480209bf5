import { createHash } from 'node:crypto';

/**
 * How a (tenant, collection, model) scope is named in a cloud store that has no tenants or models of its
 * own: readable parts plus a short hash of the model id, e.g. `acme__knowledge_base__3f9a1c20`.
 */
export function scopedName(tenant: string, collection: string, model: string): string {
  const h = createHash('sha256').update(model).digest('hex').slice(0, 8);
  return `${tenant}__${collection}__${h}`.replace(/[^A-Za-z0-9_-]/g, '_');
}
