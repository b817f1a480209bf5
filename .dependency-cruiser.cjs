// Import boundaries (checked by `npm run lint`):
// - servers never import each other;
// - shared/ and schema/ never import servers/ or cli/;
// - schema/ is the data model only: it may not import the server runtime or ingestion.
module.exports = {
  forbidden: [
    {
      name: 'servers-are-independent',
      severity: 'error',
      comment: 'A server may import shared/ and schema/, never another server.',
      from: { path: '^servers/([^/]+)/' },
      to: { path: '^servers/', pathNot: '^servers/$1/' },
    },
    {
      name: 'shared-never-imports-servers',
      severity: 'error',
      from: { path: '^(shared|schema)/' },
      to: { path: '^(servers|cli)/' },
    },
    {
      name: 'schema-is-the-model-only',
      severity: 'error',
      from: { path: '^schema/' },
      to: { path: '^shared/(runtime|ingest|search)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.test\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
