import { defineServer } from '../../shared/runtime/server-definition.js';
import { callResource, transcriptResource } from './resources/calls.js';
import { callStats } from './tools/call-stats.js';
import { compareReps } from './tools/compare-reps.js';
import { competitors } from './tools/competitors.js';
import { compliance } from './tools/compliance.js';
import { getCall } from './tools/get-call.js';
import { objections } from './tools/objections.js';
import { searchCalls } from './tools/search-calls.js';
import { trends } from './tools/trends.js';

export const definition = defineServer({
  name: 'gong-analytics',
  title: 'Sophia Gong analytics',
  version: '0.1.0',
  readsTenantData: true,
  instructions:
    'Conversation intelligence over every Gong call: find calls (search_calls), read one (get_call), interaction stats ' +
    '(call_stats), objections and how reps handle them (objections, compare_reps), competitors, rising and falling ' +
    'topics (trends), compliance risks and topics (compliance). ' +
    'Call ids are Gong call ids; cite quotes as "gong call <id> @ m:ss (speaker)".',
  tools: [searchCalls, getCall, callStats, objections, compareReps, competitors, trends, compliance],
  resources: [callResource, transcriptResource],
});
