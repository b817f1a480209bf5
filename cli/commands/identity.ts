import type { Command } from 'commander';
import { evaluate, parseFields, readCsv } from '../../shared/identity/evaluate.js';
import { cliConfig } from '../run.js';

/**
 * `sophia identity eval`: the probabilistic linker (shared/identity) on CSV files with known truth;
 * `sophia identity run`: the identity pass over the database (deterministic keys, then probabilistic links).
 */
export function registerIdentityCommands(program: Command): void {
  const identity = program
    .command('identity')
    .description('Identity resolution: evaluate the probabilistic linker, or run the identity pass');

  identity
    .command('eval')
    .description(
      'Link two CSV files (or deduplicate one) without labels, then score the links against the truth column: pairs compared, precision, recall, F1',
    )
    .requiredOption('--csv <file...>', 'one file (dedupe) or two files (link); --csv A --csv B')
    .requiredOption('--id-column <column>', 'the column with each record id')
    .option('--truth-column <column>', 'records with the same value here are the same entity')
    .option('--truth-regex <regex>', 'or: the first group of this regular expression on the id is the entity')
    .option(
      '--fields <fields>',
      'comma-separated columns to compare, each optionally with its kind (name, company, text, exact, id, date, number, email, phone), e.g. given_name:name,dob:date; a column without a kind gets one from its name and values (default: every column but the id and truth)',
    )
    .option('--threshold <p>', 'match probability at or above which a pair is a link', '0.5')
    .option('--max-block-pairs <n>', 'skip blocks that would make more pairs than this', '2500')
    .option('--json', 'print the report as JSON')
    .action(
      async (opts: {
        csv: string[];
        idColumn: string;
        truthColumn?: string;
        truthRegex?: string;
        fields?: string;
        threshold: string;
        maxBlockPairs: string;
        json?: boolean;
      }) => {
        cliConfig();
        const threshold = Number(opts.threshold);
        if (!(threshold > 0 && threshold < 1))
          throw new Error(
            `--threshold must be a probability between 0 and 1 (exclusive), not '${opts.threshold}'`,
          );
        const maxBlockPairs = Number(opts.maxBlockPairs);
        if (!Number.isInteger(maxBlockPairs) || maxBlockPairs < 1)
          throw new Error(`--max-block-pairs must be a positive whole number, not '${opts.maxBlockPairs}'`);
        if (opts.csv.length > 2) throw new Error('give one --csv (dedupe) or two (link), not more');
        const first = readCsv(opts.csv[0]!);
        const spec =
          opts.fields ?? first.header.filter((h) => h !== opts.idColumn && h !== opts.truthColumn).join(',');
        const fields = parseFields(spec, (col) => first.rows.map((r) => r[col] ?? ''));
        const cpu = process.cpuUsage();
        const r = evaluate({
          files: opts.csv,
          idColumn: opts.idColumn,
          truthColumn: opts.truthColumn,
          truthRegex: opts.truthRegex,
          fields,
          settings: { threshold, maxBlockPairs },
        });
        const used = process.cpuUsage(cpu);
        const cpuSeconds = (used.user + used.system) / 1e6;
        const { result, ...report } = r;
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ ...report, cpuSeconds, fields, model: result.model, timingsMs: result.timings }, null, 2)}\n`,
          );
          return;
        }
        const pct = (x: number) => x.toFixed(4);
        process.stdout.write(
          [
            `mode: ${r.mode} (${r.records.join(' x ')} records)`,
            `fields: ${fields.map((f) => `${f.name}:${f.kind}`).join(', ')}`,
            `pairs compared: ${r.candidatePairs} of ${result.model.totalPairs} (${result.model.rules.length} blocking rules)`,
            `true pairs: ${r.truePairs}; predicted links: ${r.predicted} (threshold ${threshold})`,
            `TP ${r.truePositives}  FP ${r.falsePositives}  FN ${r.falseNegatives}`,
            `precision ${pct(r.precision)}  recall ${pct(r.recall)}  F1 ${pct(r.f1)}`,
            `time: ${r.seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU (linking only; files read before)`,
          ].join('\n') + '\n',
        );
      },
    );
}
