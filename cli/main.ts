import { Command } from 'commander';
import { registerAnalyzeCommands } from './commands/analyze.js';
import { registerDbCommands } from './commands/db.js';
import { registerDemoCommands } from './commands/demo.js';
import { registerHealthCommands } from './commands/health.js';
import { registerIdentityCommands } from './commands/identity.js';
import { registerIngestCommands } from './commands/ingest.js';
import { registerKbCommands } from './commands/kb.js';
import { registerReviewCommands } from './commands/review.js';
import { registerServeCommands } from './commands/serve.js';
import { runCli } from './run.js';

/**
 * The `sophia` command. Each command group lives in cli/commands/<group>.ts and registers itself here.
 * Output meant for people goes to stdout; logs and progress go to stderr.
 */
const program = new Command()
  .name('sophia')
  .description("Sophia: MCP servers over one unified model of a sales organisation's data")
  .showHelpAfterError()
  .version('0.1.0');

registerDbCommands(program);
registerKbCommands(program);
registerServeCommands(program);
registerReviewCommands(program);
registerIngestCommands(program);
registerDemoCommands(program);
registerAnalyzeCommands(program);
registerIdentityCommands(program);
registerHealthCommands(program);

await runCli(program, process.argv);
