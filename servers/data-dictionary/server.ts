import { defineServer } from '../../shared/runtime/server-definition.js';
import { schemaResource } from './resources/schema.js';
import { describeSchema } from './tools/describe-schema.js';

export const definition = defineServer({
  name: 'data-dictionary',
  title: 'Sophia data dictionary',
  version: '0.1.0',
  readsTenantData: true,
  instructions:
    "Sophia's data dictionary: what the unified model holds (accounts, contacts, users, opportunities, activities, " +
    'Gong calls and transcript segments, Slack, knowledge base, quality and provenance tables) and what each field means. ' +
    'Call describe_schema to find where a fact lives before analysing; read sophia://schema for the whole model.',
  tools: [describeSchema],
  resources: [schemaResource],
});
