import { defineServer } from '../../shared/runtime/server-definition.js';
import { callResource, transcriptResource } from './resources/calls.js';
import { getCall } from './tools/get-call.js';
import { searchCalls } from './tools/search-calls.js';

export const definition = defineServer({
  name: 'gong-analytics',
  title: 'Sophia Gong analytics',
  version: '0.1.0',
  instructions:
    'Conversation intelligence over every Gong call: find calls (search_calls), read one (get_call). ' +
    'Call ids are Gong call ids; cite quotes as "gong call <id> @ m:ss (speaker)".',
  tools: [searchCalls, getCall],
  resources: [callResource, transcriptResource],
});
