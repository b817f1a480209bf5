import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { sql } from 'kysely';
import type { SophiaConfig } from '../../shared/config/config.js';
import type { SophiaDatabase } from '../../shared/db/database.js';
import { anthropicLlm, type Llm, noLlm } from '../../shared/llm/llm.js';
import type { Logger } from '../../shared/log/logger.js';
import { SearchService, type TenantSearch } from '../../shared/search/search-service.js';
import { contextualize } from './contextual.js';
import { DocumentError, extractDocument, type ExtractedDocument } from './extract.js';
import { GithubReader } from './github-source.js';
import {
  COLLECTION,
  ensureWritableFolder,
  type FolderSource,
  type GithubSource,
  type KbSource,
  listFolder,
  migrateLegacyFolder,
  sharedSourcesFromConfig,
  writableSource,
} from './sources.js';

/**
 * The knowledge base of one server process: its sources, the search service, and per tenant the state of
 * the last sync (what was indexed, what was refused and why). Syncing indexes new and changed files and
 * removes documents whose files are gone; the watcher (watcher.ts) feeds single-file changes in between.
 * A tenant's index holds the shared reference sources and its own folder only (see sources.ts).
 */
export interface Problem {
  path: string;
  source: string;
  message: string;
}

export interface SyncSummary {
  indexed: number;
  unchanged: number;
  removed: number;
  problems: Problem[];
  at: Date;
  ms: number;
}

export interface TenantState {
  ready: Promise<SyncSummary>;
  last?: SyncSummary;
  problems: Map<string, Problem>;
  contextual: string;
}

export class KnowledgeBase {
  /** The shared reference sources (read-only); `sourcesFor(tenant)` adds the tenant's own folder. */
  readonly shared: KbSource[];
  readonly service: SearchService;
  readonly #tenants = new Map<string, TenantState>();
  readonly #writable = new Map<string, FolderSource>();
  readonly #github: GithubReader;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly config: SophiaConfig,
    readonly database: SophiaDatabase,
    readonly logger: Logger,
    options: { service?: SearchService } = {},
  ) {
    this.shared = sharedSourcesFromConfig(config);
    migrateLegacyFolder(config, logger);
    this.service = options.service ?? new SearchService({ config, database, logger: logger.child('search') });
    this.#github = new GithubReader(config);
  }

  search(tenant: string): TenantSearch {
    return this.service.forTenant(tenant);
  }

  /** The tenant's own folder (created 0700 on first use): the only place its save_document writes. */
  writableFor(tenant: string): FolderSource {
    let s = this.#writable.get(tenant);
    if (!s) {
      ensureWritableFolder(this.config, tenant);
      s = writableSource(this.config, tenant);
      this.#writable.set(tenant, s);
    }
    return s;
  }

  /** Every source of a tenant: the shared ones, then its own folder. */
  sourcesFor(tenant: string): KbSource[] {
    return [...this.shared, this.writableFor(tenant)];
  }

  /** The process's default model access for contextual retrieval (sampling needs a tool call's context). */
  defaultLlm(): Llm {
    return this.config.keys.anthropic ? anthropicLlm(this.config) : noLlm;
  }

  /** Syncs the tenant's index once (first use); later calls wait for that first sync. */
  ensureSynced(tenant: string): Promise<SyncSummary> {
    return this.state(tenant).ready;
  }

  /** Tenants whose index this process has synced (or is syncing). */
  syncedTenants(): string[] {
    return [...this.#tenants.keys()];
  }

  state(tenant: string): TenantState {
    let s = this.#tenants.get(tenant);
    if (!s) {
      const state: TenantState = {
        ready: Promise.resolve(undefined as never),
        problems: new Map(),
        contextual: this.config.search.kbContextual ? 'on' : 'off (SOPHIA_KB_CONTEXTUAL is not set)',
      };
      this.#tenants.set(tenant, state);
      state.ready = this.syncAll(tenant, state);
      state.ready.catch(() => undefined);
      s = state;
    }
    return s;
  }

  /** Runs `fn` after every earlier write of this process (one writer at a time: no racing re-indexes). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async syncAll(tenant: string, state = this.state(tenant)): Promise<SyncSummary> {
    const t0 = performance.now();
    const summary: SyncSummary = { indexed: 0, unchanged: 0, removed: 0, problems: [], at: new Date(), ms: 0 };
    const sources = this.sourcesFor(tenant);
    summary.removed += await this.#dropForeignFiles(tenant, sources);
    for (const source of sources) {
      try {
        if (source.kind === 'folder') await this.#syncFolder(tenant, source, summary, state);
        else await this.#syncGithub(tenant, source, summary, state);
      } catch (err) {
        const p = { path: source.prefix || '/', source: source.label, message: err instanceof Error ? err.message : String(err) };
        summary.problems.push(p);
        this.logger.warn('knowledge base source failed', { source: source.label, error: p.message });
      }
    }
    summary.ms = performance.now() - t0;
    state.last = summary;
    this.logger.info('knowledge base synced', {
      tenant,
      indexed: summary.indexed,
      unchanged: summary.unchanged,
      removed: summary.removed,
      problems: summary.problems.length,
      ms: Math.round(summary.ms),
    });
    return summary;
  }

  async #syncFolder(tenant: string, source: FolderSource, summary: SyncSummary, state: TenantState): Promise<void> {
    const files = listFolder(source.root);
    for (const rel of files) {
      const r = await this.indexFile(tenant, source, rel);
      if (r === 'indexed') summary.indexed++;
      else if (r === 'unchanged') summary.unchanged++;
      else summary.problems.push(r);
    }
    const present = new Set(files.map((f) => source.prefix + f));
    for (const path of await this.search(tenant).index.paths(COLLECTION, source.uriPrefix)) {
      if (!present.has(path)) {
        await this.serial(() => this.search(tenant).index.removeDocument(COLLECTION, path));
        summary.removed++;
      }
    }
    for (const [path, p] of state.problems) if (p.source === source.label && !present.has(path)) state.problems.delete(path);
    for (const p of summary.problems) state.problems.set(p.path, p);
  }

  /**
   * Removes from the tenant's index documents read from files under SOPHIA_HOME that belong to none of its
   * sources: the old shared folder's (indexed by every tenant before folders were per tenant) or another
   * tenant's. Runs before the folders are indexed, so a moved document is indexed again from its new file.
   */
  async #dropForeignFiles(tenant: string, sources: KbSource[]): Promise<number> {
    const home = `file://${resolve(this.config.home)}${sep}`;
    const rows = await this.database.withTenant(
      tenant,
      (trx) =>
        trx
          .selectFrom('kb_documents')
          .select(['path', 'source_uri'])
          .where('collection', '=', COLLECTION)
          .where(sql<boolean>`starts_with(coalesce(source_uri, ''), ${home})`)
          .execute(),
      { readOnly: true },
    );
    let removed = 0;
    for (const row of rows) {
      if (sources.some((s) => row.source_uri!.startsWith(s.uriPrefix))) continue;
      if (await this.removePath(tenant, row.path)) removed++;
    }
    if (removed) this.logger.info("knowledge base: dropped documents of files outside the tenant's sources", { tenant, removed });
    return removed;
  }

  async #syncGithub(tenant: string, source: GithubSource, summary: SyncSummary, state: TenantState): Promise<void> {
    const { ref, files } = await this.#github.list(source);
    const t = this.search(tenant);
    const present = new Set<string>();
    for (const file of files) {
      const path = source.prefix + (source.path ? `${source.path}/` : '') + file.path;
      present.add(path);
      const hash = `git-blob:${file.sha}`;
      if (await t.index.isCurrent(COLLECTION, path, hash)) {
        summary.unchanged++;
        continue;
      }
      try {
        const bytes = await this.#github.read(source, file);
        const doc = await extractDocument(path, bytes);
        await this.#write(tenant, { ...doc, contentHash: hash }, path, `${source.uriPrefix}${file.path}`, {
          repository: `${source.owner}/${source.repo}`,
          ref,
        });
        state.problems.delete(path);
        summary.indexed++;
      } catch (err) {
        const p = { path, source: source.label, message: err instanceof Error ? err.message : String(err) };
        summary.problems.push(p);
        state.problems.set(path, p);
      }
    }
    for (const path of await t.index.paths(COLLECTION, source.uriPrefix)) {
      if (!present.has(path)) {
        await this.serial(() => t.index.removeDocument(COLLECTION, path));
        summary.removed++;
      }
    }
  }

  /** Indexes one file of a folder source; returns what happened or the problem. */
  async indexFile(tenant: string, source: FolderSource, rel: string, llm?: Llm): Promise<'indexed' | 'unchanged' | Problem> {
    const path = source.prefix + rel;
    const state = this.state(tenant);
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(source.root, rel));
    } catch (err) {
      return { path, source: source.label, message: `cannot read the file: ${(err as Error).message}` };
    }
    try {
      const doc = await extractDocument(path, bytes);
      if (await this.search(tenant).index.isCurrent(COLLECTION, path, doc.contentHash)) return 'unchanged';
      await this.#write(tenant, doc, path, `${source.uriPrefix}${rel.split('/').join('/')}`, {}, llm);
      state.problems.delete(path);
      return 'indexed';
    } catch (err) {
      const p = {
        path,
        source: source.label,
        message: err instanceof DocumentError ? err.message : `indexing failed: ${err instanceof Error ? err.message : String(err)}`,
      };
      state.problems.set(path, p);
      this.logger.warn('knowledge base document refused', { path, reason: p.message });
      return p;
    }
  }

  async removePath(tenant: string, path: string): Promise<boolean> {
    this.state(tenant).problems.delete(path);
    return this.serial(() => this.search(tenant).index.removeDocument(COLLECTION, path));
  }

  async #write(
    tenant: string,
    doc: ExtractedDocument,
    path: string,
    sourceUri: string,
    extra: Record<string, unknown>,
    llm?: Llm,
  ): Promise<void> {
    let contexts: Array<string | null> = doc.chunks.map(() => null);
    const metadata: Record<string, unknown> = { ...doc.metadata, ...extra };
    if (this.config.search.kbContextual) {
      const r = await contextualize(llm ?? this.defaultLlm(), doc.title, doc.chunks, this.logger);
      contexts = r.contexts;
      metadata.contextual = r.model ? { model: r.model } : { skipped: r.skipped };
      this.state(tenant).contextual = r.model ? `on (model ${r.model})` : `skipped: ${r.skipped}`;
    }
    await this.serial(() =>
      this.search(tenant).index.upsertDocument({
        collection: COLLECTION,
        path,
        title: doc.title,
        sourceUri,
        mime: doc.mime,
        contentHash: doc.contentHash,
        sizeBytes: doc.sizeBytes,
        tags: doc.tags,
        metadata,
        chunks: doc.chunks.map((c, i) => ({ ...c, context: contexts[i] ?? null })),
      }),
    );
  }

  /** Which of the tenant's sources a document path belongs to (by source URI, else by prefix). */
  sourceOf(tenant: string, path: string, sourceUri: string | null): KbSource | undefined {
    const sources = this.sourcesFor(tenant);
    if (sourceUri) return sources.find((s) => sourceUri.startsWith(s.uriPrefix));
    return sources.find((s) => s.prefix && path.startsWith(s.prefix));
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    await this.service.close();
  }
}

/** One knowledge base per server process (keyed by its configuration object). */
const instances = new WeakMap<SophiaConfig, Promise<KnowledgeBase>>();

export function knowledgeBaseFor(ctx: {
  config: SophiaConfig;
  logger: Logger;
  database(): Promise<SophiaDatabase>;
}): Promise<KnowledgeBase> {
  let kb = instances.get(ctx.config);
  if (!kb) {
    kb = ctx.database().then((db) => new KnowledgeBase(ctx.config, db, ctx.logger.child('kb')));
    kb.catch(() => instances.delete(ctx.config));
    instances.set(ctx.config, kb);
  }
  return kb;
}
