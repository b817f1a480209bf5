import { watch, type FSWatcher } from 'chokidar';
import { relative, sep } from 'node:path';
import type { Logger } from '../../shared/log/logger.js';
import { isSupported } from './extract.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { FolderSource } from './sources.js';

/**
 * Watches the folder sources (chokidar: inotify on Linux) and re-indexes a file within about a second of a
 * change: added and changed files are indexed, deleted ones removed. Events for one path are debounced
 * (editors write in several steps) and all writes go through the knowledge base's single writer.
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
  onChange: (path: string, kind: 'indexed' | 'removed') => Promise<void> | void,
  options: { debounceMs?: number } = {},
): WatchHandle {
  const folders = kb.sourcesFor(tenant).filter((s): s is FolderSource => s.kind === 'folder');
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  let pending = Promise.resolve();
  const debounce = options.debounceMs ?? 250;

  const handle = (source: FolderSource, file: string, event: 'upsert' | 'unlink') => {
    const rel = relative(source.root, file).split(sep).join('/');
    if (rel.startsWith('..') || !isSupported(rel)) return;
    const key = `${source.id}|${rel}`;
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        pending = pending.then(async () => {
          const path = source.prefix + rel;
          try {
            await kb.ensureSynced(tenant).catch(() => undefined);
            if (event === 'unlink') {
              if (await kb.removePath(tenant, path)) await onChange(path, 'removed');
            } else {
              const r = await kb.indexFile(tenant, source, rel);
              if (r === 'indexed') await onChange(path, 'indexed');
            }
          } catch (err) {
            logger.warn('watcher: could not apply a change', { path, error: err instanceof Error ? err.message : String(err) });
          }
        });
      }, debounce),
    );
  };

  for (const source of folders) {
    const w = watch(source.root, {
      ignoreInitial: true,
      ignored: (p: string) => /(^|[/\\])(\.[^/\\]|node_modules)/.test(relative(source.root, p)),
      awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
    });
    w.on('add', (f) => handle(source, f, 'upsert'));
    w.on('change', (f) => handle(source, f, 'upsert'));
    w.on('unlink', (f) => handle(source, f, 'unlink'));
    w.on('error', (err) => logger.warn('watcher error', { folder: source.root, error: err instanceof Error ? err.message : String(err) }));
    watchers.push(w);
  }
  logger.info('watching knowledge-base folders', { folders: folders.map((f) => f.root).join(', ') });
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
