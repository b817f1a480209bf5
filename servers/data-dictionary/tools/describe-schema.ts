import { z } from 'zod';
import { countRows, readLiveSchema } from '../../../shared/db/introspect.js';
import {
  decodeCursor,
  DEFAULT_TOOL_TOKENS,
  encodeCursor,
  takeWithinBudgets,
} from '../../../shared/runtime/budget.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { renderTableMarkdown, type SelectedTable, selectTables, suggestTables } from '../schema-view.js';

const columnOut = z.object({
  name: z.string(),
  type: z.string(),
  nullable: z.boolean(),
  comment: z.string().nullable(),
});

const tableOut = z.object({
  name: z.string(),
  comment: z.string().nullable(),
  rowCount: z.number().int().nullable().describe('Rows visible to your tenant; null when not counted'),
  rowCountExact: z
    .boolean()
    .describe('False when the count is the planner estimate (table too big to count quickly)'),
  partitioned: z.boolean(),
  tenantScoped: z.boolean(),
  matchedBy: z
    .enum(['all', 'table', 'columns'])
    .describe('Why the table is listed: no search, its name/comment, or some columns'),
  columnNames: z
    .array(z.string())
    .describe('Column names (only the matching ones when matchedBy is "columns")'),
  columns: z
    .array(columnOut)
    .optional()
    .describe('Detail "full": type, nullability and comment of each column'),
});

export const describeSchema = defineTool({
  name: 'describe_schema',
  title: 'Describe the unified schema',
  toolset: 'schema',
  description: `Describes Sophia's live unified database schema: tables, columns, types, comments (what each field means) and row counts for your tenant.
Use it before writing analyses or when you need to know where a fact lives (e.g. search "email" or "talk ratio", or table "calls").
- No arguments: every table with its comment, row count and column names (detail "summary").
- table: one table in full (types and comments of every column).
- search: tables and columns whose name or comment contains all the words.
Answers are paged (limit, cursor). Source: the PostgreSQL catalog of the live database.`,
  input: {
    table: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'a table name is lowercase letters, digits and underscores, e.g. "calls"')
      .optional()
      .describe('Exact table name, e.g. "calls". Omit to list tables.'),
    search: z
      .string()
      .trim()
      .min(2, 'search needs at least 2 characters, e.g. "email"')
      .max(200)
      .optional()
      .describe('Words to find in table/column names and comments, e.g. "talk time".'),
    detail: z
      .enum(['summary', 'full'])
      .optional()
      .describe(
        '"summary": column names only; "full": types and comments. Default: full for one table, else summary.',
      ),
    countRows: z.boolean().default(true).describe('Count rows visible to your tenant (default true).'),
    limit: z
      .number()
      .int()
      .min(1, 'limit must be at least 1')
      .max(100, 'limit can be at most 100')
      .default(30),
    cursor: z.string().optional().describe('nextCursor from the previous answer, to get the next page.'),
  },
  output: {
    tables: z.array(tableOut),
    totalMatched: z.number().int(),
    omitted: z.number().int().describe('Matching tables left out of this page (page with nextCursor)'),
    nextCursor: z.string().nullable(),
    engine: z.object({ kind: z.string(), version: z.string(), pgvector: z.boolean(), pgTrgm: z.boolean() }),
    source: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const sophia = await ctx.database();
    const tables = await readLiveSchema(sophia);
    if (args.table && !tables.some((t) => t.name === args.table)) {
      const suggestions = suggestTables(args.table, tables);
      throw new ToolInputError(
        `There is no table named '${args.table}'. Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}? ` +
          `Call describe_schema without arguments to list all ${tables.length} tables.`,
      );
    }
    const selected = selectTables(tables, { table: args.table, search: args.search });
    const offset = args.cursor ? Number((decodeCursor(args.cursor) as { offset?: unknown }).offset) : 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > selected.length) {
      throw new ToolInputError(
        'The cursor does not belong to this query; repeat the query without a cursor.',
      );
    }
    const detail = args.detail ?? (args.table ? 'full' : 'summary');
    const page = selected.slice(offset, offset + args.limit);
    const counts = args.countRows
      ? await countRows(
          sophia,
          ctx.tenant,
          page.map((s) => s.table.name),
        )
      : new Map();
    const entry = (s: SelectedTable) => {
      const count = counts.get(s.table.name);
      return {
        name: s.table.name,
        comment: s.table.comment,
        rowCount: count ? count.count : null,
        rowCountExact: count ? count.exact : false,
        partitioned: s.table.partitioned,
        tenantScoped: s.table.rowSecurity,
        matchedBy: s.matchedBy,
        columnNames: s.columns.map((c) => c.name),
        ...(detail === 'full'
          ? {
              columns: s.columns.map((c) => ({
                name: c.name,
                type: c.type,
                nullable: c.nullable,
                comment: c.comment,
              })),
            }
          : {}),
      };
    };
    // The text and the structured answer each stay within the default budget; the rest is paged.
    const { taken } = takeWithinBudgets(
      page,
      [(s) => renderTableMarkdown(s, counts.get(s.table.name), detail), (s) => JSON.stringify(entry(s))],
      DEFAULT_TOOL_TOKENS - 300,
    );
    const next = offset + taken.length;
    const nextCursor = next < selected.length ? encodeCursor({ offset: next }) : null;
    const features = await sophia.features();
    const engine = {
      kind: sophia.engine === 'embedded' ? 'embedded (PGlite)' : 'postgres',
      version: features.serverVersion,
      pgvector: features.pgvector,
      pgTrgm: features.pgTrgm,
    };
    const structured = {
      tables: taken.map(entry),
      totalMatched: selected.length,
      omitted: selected.length - next,
      nextCursor,
      engine,
      source: `PostgreSQL catalog (pg_catalog) of the live database: ${sophia.target}`,
    };
    const header =
      selected.length === 0
        ? `No table or column matches "${args.search}". Try fewer or other words, or call describe_schema without arguments.`
        : `${selected.length} table(s) match; showing ${offset + 1}-${next}${nextCursor ? ' (more: pass nextCursor)' : ''}. Tenant: ${ctx.tenant}. Engine: ${engine.kind} ${engine.version}.`;
    const text = [header, ...taken.map((s) => renderTableMarkdown(s, counts.get(s.table.name), detail))].join(
      '\n\n',
    );
    return { structured, text: `${text}\n\nSource: ${structured.source}` };
  },
});
