import { readLiveSchema } from '../../../shared/db/introspect.js';
import { defineResource } from '../../../shared/runtime/define-resource.js';
import { renderSchemaDocument } from '../schema-view.js';

export const schemaResource = defineResource({
  name: 'schema',
  uri: 'sophia://schema',
  title: 'Unified schema',
  description:
    'The live unified schema as markdown: every table and column with its type and meaning. Read once to learn the model; use describe_schema for row counts and search.',
  mimeType: 'text/markdown',
  async read(_uri, _vars, ctx) {
    const sophia = await ctx.database();
    const features = await sophia.features();
    const engine = `${sophia.engine === 'embedded' ? 'embedded PGlite' : 'PostgreSQL'} ${features.serverVersion}`;
    return { text: renderSchemaDocument(await readLiveSchema(sophia), engine) };
  },
});
