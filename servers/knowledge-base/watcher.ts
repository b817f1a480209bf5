import { watch, type FSWatcher } from 'chokidar';
import { mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Logger } from '../../shared/log/logger.js';
import { TENANT_ID_PATTERN } from '../../shared/runtime/caller.js';
import { isSupported } from './extract.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { FolderSource } from './sources.js';

/**
 * Watches the folder sources (chokidar: inotify on Linux) and re-indexes a file within about a second of a
 * change: added and changed files are indexed, deleted ones removed. Events for one path are debounced
 * (editors write in several steps) and all writes go through the knowledge base's single writer.
 *
 * A shared folder's change goes into the index of every tenant this process has synced, and is announced
 * to every subscriber (`tenant` undefined). A tenant's own folder (`$SOPHIA_HOME/tenants/<t>/knowledge-base`)
 * goes into that tenant's index only, and is announced to that tenant's subscribers only. A tenant this
 * process has not synced yet is left to its first sync.
 */
export interface WatchHandle {
  close(): Promise<void>;
  /** Resolves when every change seen so far has been applied (for tests). */
  idle(): Promise<void>;
}

export function watchFolders(
  kb: KnowledgeBase,
  tenant: string,
  logger: Logger,
  onChange: (path: string, kind: 'indexed' | 'removed', tenant: string | undefined) => Promise<void> | void,
  options: { debounceMs?: number } = {},
): WatchHandle {
  kb.writableFor(tenant); // the tenants folder exists before it is watched
  const shared = kb.shared.filter((s): s is FolderSource => s.kind === 'folder');
  const tenantsRoot = join(kb.config.home, 'tenants');
  mkdirSync(tenantsRoot, { recursive: true, mode: 0o700 });
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  let pending = Promise.resolve();
  const debounce = options.debounceMs ?? 250;

  /** Applies one file's change to one tenant's index; whether the index changed. */
  const apply = async (t: string, source: FolderSource, rel: string, event: 'upsert' | 'unlink') => {
    await kb.ensureSynced(t).catch(() => undefined);
    if (event === 'unlink') return (await kb.removePath(t, source.prefix + rel)) ? 'removed' : undefined;
    return (await kb.indexFile(t, source, rel)) === 'indexed' ? 'indexed' : undefined;
  };

  const later = (key: string, path: string, fn: () => Promise<void>) => {
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        pending = pending.then(async () => {
          try {
            await fn();
          } catch (err) {
            logger.warn('watcher: could not apply a change', { path, error: err instanceof Error ? err.message : String(err) });
          }
        });
      }, debounce),
    );
  };

  const onShared = (source: FolderSource, file: string, event: 'upsert' | 'unlink') => {
    const rel = relative(source.root, file).split(sep).join('/');
    if (rel.startsWith('..') || !isSupported(rel)) return;
    const path = source.prefix + rel;
    later(`${source.id}|${rel}`, path, async () => {
      let kind: 'indexed' | 'removed' | undefined;
      for (const t of new Set([tenant, ...kb.syncedTenants()])) kind = (await apply(t, source, rel, event)) ?? kind;
      if (kind) await onChange(path, kind, undefined);
    });
  };

  const onTenantFile = (file: string, event: 'upsert' | 'unlink') => {
    // <tenant>/knowledge-base/<rel>
    const [t, folder, ...rest] = relative(tenantsRoot, file).split(sep);
    const rel = rest.join('/');
    if (!t || !TENANT_ID_PATTERN.test(t) || folder !== 'knowledge-base' || !rel || !isSupported(rel)) return;
    if (t !== tenant && !kb.syncedTenants().includes(t)) return; // its first sync will read the folder
    const source = kb.writableFor(t);
    later(`tenant:${t}|${rel}`, rel, async () => {
      const kind = await apply(t, source, rel, event);
      if (kind) await onChange(source.prefix + rel, kind, t);
    });
  };

  const watchTree = (root: string, on: (file: string, event: 'upsert' | 'unlink') => void) => {
    const w = watch(root, {
      ignoreInitial: true,
      ignored: (p: string) => /(^|[/\\])(\.[^/\\]|node_modules)/.test(relative(root, p)),
      awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
    });
    w.on('add', (f) => on(f, 'upsert'));
    w.on('change', (f) => on(f, 'upsert'));
    w.on('unlink', (f) => on(f, 'unlink'));
    w.on('error', (err) => logger.warn('watcher error', { folder: root, error: err instanceof Error ? err.message : String(err) }));
    watchers.push(w);
  };

  for (const source of shared) watchTree(source.root, (f, e) => onShared(source, f, e));
  watchTree(tenantsRoot, onTenantFile);
  logger.info('watching knowledge-base folders', { folders: [...shared.map((f) => f.root), tenantsRoot].join(', ') });
  return {
    async close() {
      for (const t of timers.values()) clearTimeout(t);
      await Promise.all(watchers.map((w) => w.close()));
      await pending;
    },
    async idle() {
      while (timers.size) await new Promise((r) => setTimeout(r, debounce));
      await pending;
    },
  };
}
