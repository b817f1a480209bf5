import type { Command } from 'commander';
import { ensureTenant } from '../../schema/migrate.js';
import { createLogger } from '../../shared/log/logger.js';
import { COLLECTIONS } from '../../shared/search/collections.js';
import { loadBeir } from '../../shared/search/eval/beir.js';
import { type EvalRetriever, runEval } from '../../shared/search/eval/run-eval.js';
import type { RetrievalMode } from '../../shared/search/hybrid.js';
import { SearchService } from '../../shared/search/search-service.js';
import { KnowledgeBase } from '../../servers/knowledge-base/knowledge-base.js';
import { withDatabase } from '../run.js';

const RETRIEVERS = ['fts', 'vector', 'hybrid', 'bm25'] as const;

function wholeNumber(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

export function registerKbCommands(program: Command): void {
  const kb = program.command('kb').description('Search and the knowledge base');

  kb.command('eval')
    .description('Evaluate retrieval on a BEIR-format dataset (nDCG@k, recall@100, query latency)')
    .requiredOption('--beir <dir>', 'dataset folder with corpus.jsonl, queries.jsonl and qrels/test.tsv')
    .option('--retriever <name>', `${RETRIEVERS.join(', ')} or all`, 'hybrid')
    .option('--k <n>', 'cut-off for nDCG', wholeNumber('--k', 1, 100), 10)
    .option('--split <name>', 'qrels split', 'test')
    .option(
      '--max-queries <n>',
      'evaluate at most this many queries',
      wholeNumber('--max-queries', 1, 1_000_000),
    )
    .option('--no-baseline', 'do not add the BM25 baseline')
    .action(
      async (opts: {
        beir: string;
        retriever: string;
        k: number;
        split: string;
        maxQueries?: number;
        baseline: boolean;
      }) => {
        const wanted = opts.retriever === 'all' ? [...RETRIEVERS] : [opts.retriever];
        for (const r of wanted)
          if (!(RETRIEVERS as readonly string[]).includes(r))
            throw new Error(`unknown retriever '${r}': use ${RETRIEVERS.join(', ')} or all`);
        const retrievers = [...new Set([...(opts.baseline ? ['bm25'] : []), ...wanted])] as EvalRetriever[];
        const dataset = loadBeir(opts.beir, opts.split);
        await withDatabase(async (database, config) => {
          const logger = createLogger('kb-eval');
          await ensureTenant(database.db, config.tenant);
          const service = new SearchService({ config, database, logger });
          try {
            const t = service.forTenant(config.tenant);
            const info = await t.store.describe();
            process.stderr.write(
              `dataset: ${dataset.corpus.length} documents, ${dataset.queries.length} queries; embedder ${t.embedder.id}; ${info.note}\n`,
            );
            const report = await runEval({
              dataset,
              retrievers,
              k: opts.k,
              index: t.index,
              search: t.search,
              ...(opts.maxQueries ? { maxQueries: opts.maxQueries } : {}),
              progress: (m) => process.stderr.write(`${m}\n`),
            });
            const lines = [
              `indexed ${report.documents} documents (${report.chunks} chunks) in ${report.indexSeconds.toFixed(1)} s`,
              `retriever  queries  nDCG@${report.k}  recall@100  p50 ms  p95 ms`,
              ...report.results.map(
                (r) =>
                  `${r.retriever.padEnd(9)}  ${String(r.queries).padStart(7)}  ${r.ndcg.toFixed(4).padStart(7)}  ${r.recall100
                    .toFixed(4)
                    .padStart(10)}  ${r.p50Ms.toFixed(1).padStart(6)}  ${r.p95Ms.toFixed(1).padStart(6)}`,
              ),
            ];
            process.stdout.write(`${lines.join('\n')}\n`);
          } finally {
            await service.close();
          }
        });
      },
    );

  kb.command('search')
    .description('Search the indexed collections from the command line')
    .argument('<query...>', 'what to look for')
    .option('--collection <name...>', `collections (${COLLECTIONS.join(', ')})`, ['knowledge_base'])
    .option('--mode <mode>', 'hybrid, fts or vector', 'hybrid')
    .option('--limit <n>', 'results', wholeNumber('--limit', 1, 50), 5)
    .action(async (words: string[], opts: { collection: string[]; mode: string; limit: number }) => {
      if (!['hybrid', 'fts', 'vector'].includes(opts.mode))
        throw new Error(`unknown mode '${opts.mode}': use hybrid, fts or vector`);
      await withDatabase(async (database, config) => {
        const service = new SearchService({ config, database, logger: createLogger('kb-search') });
        try {
          const res = await service.forTenant(config.tenant).search.search({
            query: words.join(' '),
            collections: opts.collection,
            mode: opts.mode as RetrievalMode,
            limit: opts.limit,
          });
          for (const h of res.hits)
            process.stdout.write(
              `${h.collection}/${h.path}:${h.snippetLines.start}-${h.snippetLines.end}  ${h.heading ?? ''}  (score ${h.score.fused.toFixed(4)})\n  ${h.snippet.replace(/\n/g, '\n  ')}\n\n`,
            );
          if (res.hits.length === 0) {
            process.stdout.write(
              'no results (has the knowledge base been indexed? `sophia kb index` indexes the configured folders; the knowledge-base server does it when it starts)\n',
            );
          }
        } finally {
          await service.close();
        }
      });
    });

  kb.command('index')
    .description(
      "Index the knowledge base's configured sources now (the shipped folder, SOPHIA_KB_DIRS, SOPHIA_KB_GITHUB)",
    )
    .action(async () => {
      await withDatabase(async (database, config) => {
        const knowledge = new KnowledgeBase(config, database, createLogger('kb-index'));
        try {
          const r = await knowledge.syncAll(config.tenant);
          process.stdout.write(
            `indexed ${r.indexed}, unchanged ${r.unchanged}, removed ${r.removed}, problems ${r.problems.length} (${Math.round(r.ms)} ms)\n`,
          );
          for (const p of r.problems) process.stdout.write(`  ${JSON.stringify(p)}\n`);
        } finally {
          await knowledge.close();
        }
      });
    });
}
