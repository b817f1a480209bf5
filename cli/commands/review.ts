import type { Command } from 'commander';
import { loadLocalChanges } from '../../servers/github-review/local/local-changes.js';
import { renderFinding } from '../../servers/github-review/review/render-review.js';
import { parseReviewConfig } from '../../servers/github-review/review/review-config.js';
import { runRules } from '../../servers/github-review/review/run-rules.js';
import { SEVERITY_ORDER, type Severity } from '../../servers/github-review/rules/rule-types.js';
import { cliConfig } from '../run.js';

/**
 * `sophia review [path]`: the github-review rule checks on local changes, for a terminal, a git hook
 * (`sophia review --mode staged` in pre-commit) or CI (`sophia review --mode branch --base origin/main`).
 * Rules only: the model review needs an MCP host (sampling) and runs through the github-review server.
 */
export function registerReviewCommands(program: Command): void {
  program
    .command('review')
    .description(
      'Check local changes with the github-review rules (secrets, PII in logs, SQL, shell, compliance...)',
    )
    .argument('[path]', 'a folder inside the git repository', '.')
    .option('--mode <mode>', 'working | staged | unstaged | branch', 'working')
    .option('--base <ref>', 'mode branch: the base branch (default origin/HEAD, main or master)')
    .option('--head <ref>', 'mode branch: the branch or commit to review (default HEAD)')
    .option(
      '--fail-on <severity>',
      'exit with 1 when a finding is at least this severe: error | warning | info | never',
      'error',
    )
    .option('--json', 'print the findings as JSON')
    .action(
      async (
        path: string,
        opts: { mode: string; base?: string; head?: string; failOn: string; json?: boolean },
      ) => {
        cliConfig();
        if (!['working', 'staged', 'unstaged', 'branch'].includes(opts.mode)) {
          throw new Error(`--mode must be working, staged, unstaged or branch, not '${opts.mode}'`);
        }
        if (!['error', 'warning', 'info', 'never'].includes(opts.failOn)) {
          throw new Error(`--fail-on must be error, warning, info or never, not '${opts.failOn}'`);
        }
        const local = await loadLocalChanges(path, {
          mode: opts.mode as 'working' | 'staged' | 'unstaged' | 'branch',
          ...(opts.base ? { base: opts.base } : {}),
          ...(opts.head ? { head: opts.head } : {}),
        });
        const result = runRules(local.changes, parseReviewConfig(local.configText));
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ source: local.changes.source, findings: result.findings }, null, 2)}\n`,
          );
        } else {
          const lines = [
            `${local.repo.root}: ${local.description}; ${local.changes.files.length} file(s), ${result.findings.length} finding(s) (settings: ${result.configOrigin}).`,
            ...result.findings.map(renderFinding),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (opts.failOn !== 'never') {
          const limit = SEVERITY_ORDER[opts.failOn as Severity];
          if (result.findings.some((f) => SEVERITY_ORDER[f.severity] <= limit)) process.exitCode = 1;
        }
      },
    );
}
