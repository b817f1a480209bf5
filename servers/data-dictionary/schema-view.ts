import { closest, distance } from 'fastest-levenshtein';
import type { LiveColumn, LiveTable } from '../../shared/db/introspect.js';
import { countOf } from '../../shared/util/plural.js';

/**
 * Pure functions over the live schema: search, selection and rendering. No I/O here.
 */
export interface SchemaQuery {
  table?: string | undefined;
  search?: string | undefined;
}

export interface SelectedTable {
  table: LiveTable;
  /** Columns that matched the search (all columns when there was no search or the table itself matched). */
  columns: LiveColumn[];
  matchedBy: 'all' | 'table' | 'columns';
}

function terms(search: string): string[] {
  return search
    .toLowerCase()
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

function matches(text: string | null | undefined, ts: string[]): boolean {
  if (!text) return false;
  const lower = text.toLowerCase();
  return ts.every((t) => lower.includes(t));
}

/** The closest table names to a misspelt one, for "did you mean". */
export function suggestTables(name: string, tables: LiveTable[], max = 3): string[] {
  const names = tables.map((t) => t.name);
  const lower = name.toLowerCase();
  const ranked = names
    .map((n) => ({ n, d: n.includes(lower) || lower.includes(n) ? 0 : distance(lower, n) }))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  const best = closest(lower, names);
  const out = [best, ...ranked.filter((r) => r.d <= Math.max(3, lower.length / 2)).map((r) => r.n)];
  return [...new Set(out)].slice(0, max);
}

export function selectTables(tables: LiveTable[], query: SchemaQuery): SelectedTable[] {
  let candidates = tables;
  if (query.table) candidates = tables.filter((t) => t.name === query.table);
  if (!query.search) return candidates.map((table) => ({ table, columns: table.columns, matchedBy: 'all' }));
  const ts = terms(query.search);
  const out: SelectedTable[] = [];
  for (const table of candidates) {
    if (matches(table.name, ts) || matches(table.comment, ts)) {
      out.push({ table, columns: table.columns, matchedBy: 'table' });
      continue;
    }
    const cols = table.columns.filter((c) => matches(`${c.name} ${c.comment ?? ''}`, ts));
    if (cols.length) out.push({ table, columns: cols, matchedBy: 'columns' });
  }
  return out;
}

export function renderTableMarkdown(
  s: SelectedTable,
  rowCount: { count: number; exact: boolean } | undefined,
  detail: 'summary' | 'full',
): string {
  const t = s.table;
  const count = rowCount
    ? `${rowCount.exact ? '' : '~'}${countOf(rowCount.count, 'row')}`
    : 'rows not counted';
  const flags = [t.partitioned ? 'partitioned by month' : '', t.rowSecurity ? 'tenant-scoped' : '']
    .filter(Boolean)
    .join(', ');
  const head = `### ${t.name} (${count}${flags ? `; ${flags}` : ''})\n${t.comment ?? ''}`;
  if (detail === 'summary') {
    const cols = s.columns.map((c) => c.name).join(', ');
    const label = s.matchedBy === 'columns' ? 'matching columns' : 'columns';
    return `${head}\n${label}: ${cols}`;
  }
  const lines = s.columns.map(
    (c) => `- \`${c.name}\` ${c.type}${c.nullable ? '' : ' not null'}${c.comment ? ` — ${c.comment}` : ''}`,
  );
  return `${head}\n${lines.join('\n')}`;
}

/** The whole schema as markdown (the sophia://schema resource). */
export function renderSchemaDocument(tables: LiveTable[], engine: string): string {
  const parts = [
    `# Sophia unified schema (live)`,
    `Engine: ${engine}. ${tables.length} tables. Every tenant-scoped table has tenant_id and row-level security; ` +
      `ids from source systems are text; timestamps are timestamptz.`,
  ];
  for (const t of tables)
    parts.push(renderTableMarkdown({ table: t, columns: t.columns, matchedBy: 'all' }, undefined, 'full'));
  return parts.join('\n\n');
}
