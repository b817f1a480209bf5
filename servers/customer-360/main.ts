import { runServerMain } from '../../shared/runtime/run.js';
import { definition } from './server.js';

await runServerMain(definition);
