import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { countLanded, ingestDemoFiles } from '../../shared/ingest/demo/ingest.js';
import { DEFAULT_DEMO_CALLS, DEFAULT_DEMO_SEED, writeWorld } from '../../shared/ingest/demo/generate.js';
import { formatSummary } from '../../shared/ingest/run.js';
import { createLogger } from '../../shared/log/logger.js';
import { formatStageOutcomes, runAfterIngest } from '../../shared/pipeline/after-ingest.js';
import { cliConfig, withDatabase } from '../run.js';

const EXAMPLE_QUESTIONS = [
  'Which objections come up most on pricing calls, and how does Kevin Kane answer them compared to the team?',
  'Which accounts show churn warning signs: fewer calls, negative tone, Slack escalations, open support cases?',
  'Show every call where a prospect raised PMS integration concerns about Yardi, with the transcript moment.',
  'Which reps talk the most and ask the fewest questions on discovery calls?',
  'Were any collection calls made outside 8am-9pm local time, or more than 7 times in 7 days to one resident?',
  'Which customer contacts appear in Salesforce, HubSpot, Gong and Slack as one person?',
];

/** `sophia demo`: generate the seeded Pay Ready world as Airbyte streams, land it, and say what landed. */
export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description(
      'Generate a seeded, realistic Pay Ready world (Gong, Salesforce, HubSpot, Slack Airbyte streams + ground truth) and ingest it',
    )
    .option(
      '--calls <n>',
      'Gong calls in the world (13069 = the customer’s real volume)',
      String(DEFAULT_DEMO_CALLS),
    )
    .option('--seed <s>', 'seed: the same seed gives the same bytes', DEFAULT_DEMO_SEED)
    .option('--out <dir>', 'where to write the files (default: $SOPHIA_HOME/demo)')
    .option('--no-ingest', 'only generate the files')
    .action(async (opts: { calls: string; seed: string; out?: string; ingest: boolean }) => {
      const calls = Number(opts.calls);
      if (!Number.isInteger(calls) || calls < 1 || calls > 1_000_000)
        throw new Error('--calls must be a whole number from 1 to 1000000');
      if (!opts.seed) throw new Error('--seed must not be empty');
      const config = cliConfig();
      const dir = resolve(opts.out ?? join(config.home, 'demo'));
      const log = (m: string) => process.stderr.write(`demo: ${m}\n`);
      const t0 = Date.now();
      log(`generating a ${calls.toLocaleString('en-US')}-call world (seed '${opts.seed}') into ${dir}`);
      const written = await writeWorld(dir, { calls, seed: opts.seed, onProgress: log });
      log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      const out: string[] = [];
      if (opts.ingest) {
        await withDatabase(async (db, cfg) => {
          const result = await ingestDemoFiles(db, {
            tenant: cfg.tenant,
            files: written.files,
            logger: createLogger('demo'),
            onSourceDone: (source, summary, ms) => {
              log(`${source}: ${summary.status} in ${(ms / 1000).toFixed(1)}s`);
              process.stdout.write(formatSummary(summary));
            },
          });
          const i = result.identity;
          log(`identity resolution in ${(result.identityMs / 1000).toFixed(1)}s`);
          out.push(
            '',
            `Identity: ${i.links} links (${Object.entries(i.byRule)
              .map(([r, n]) => `${r} ${n}`)
              .join(', ')}), ${i.clusters} clusters across sources`,
          );
          const counts = await countLanded(db, cfg.tenant);
          out.push('', 'What landed (rows per table):');
          const width = Math.max(...Object.keys(counts).map((k) => k.length));
          for (const [table, n] of Object.entries(counts))
            out.push(`  ${table.padEnd(width)}  ${n.toLocaleString('en-US')}`);
          const dead = counts.dead_letters ?? 0;
          if (dead > 0) out.push(`  (${dead} dead letters: see \`sophia ingest status\`)`);
          const stages = await runAfterIngest(db, {
            tenant: cfg.tenant,
            logger: createLogger('demo'),
            progress: true,
          });
          if (stages.length > 0) out.push('', formatStageOutcomes(stages).trimEnd());
        });
        out.push(
          '',
          'The data behind questions like these is now in place:',
          ...EXAMPLE_QUESTIONS.map((q) => `  - ${q}`),
          'Servers to ask today (sophia serve NAME): data-dictionary (the schema, what each column means),',
          'knowledge-base (guides, compliance), github-review. The gong-analytics and customer-360 servers',
          'that answer the questions above are not built yet; psql "$(sophia db url)" reaches the tables.',
        );
      } else {
        out.push(
          '',
          'Generated only (--no-ingest). Land a source with:',
          `  sophia ingest airbyte --source gong ${written.files.gong}`,
        );
      }
      out.push(
        '',
        `Files: ${Object.values(written.files).join(', ')}`,
        `Ground truth (planted objections, churners, identity clusters, violations): ${written.groundTruthFile}`,
        `Done in ${((Date.now() - t0) / 1000).toFixed(1)}s.`,
      );
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
