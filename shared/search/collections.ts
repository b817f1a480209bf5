/**
 * The search collections (from the seed document) plus the knowledge base. Evaluation runs index into
 * scratch collections named `eval_<something>`, removed when they finish.
 */
export const COLLECTIONS = [
  'knowledge_base',
  'call_content',
  'apartment_industry_insights',
  'sales_techniques',
  'competitive_intelligence',
] as const;

export type CollectionName = (typeof COLLECTIONS)[number];

export const COLLECTION_DESCRIPTIONS: Record<CollectionName, string> = {
  knowledge_base:
    "Sophia's own documents and configured folders/repositories (guides, compliance, data model)",
  call_content: 'Call transcripts, chunked by conversation turns',
  apartment_industry_insights: 'Property-management and apartment-industry material',
  sales_techniques: 'Objection handling, discovery and closing patterns',
  competitive_intelligence: 'Competitor mentions, positioning and battle cards',
};

export class SearchInputError extends Error {
  override name = 'SearchInputError';
}

const SCRATCH = /^eval_[a-z0-9_]{1,40}$/;

export function isCollection(name: string): boolean {
  return (COLLECTIONS as readonly string[]).includes(name) || SCRATCH.test(name);
}

export function checkCollections(names: string[]): string[] {
  for (const n of names) {
    if (!isCollection(n))
      throw new SearchInputError(`unknown collection '${n}': use one of ${COLLECTIONS.join(', ')}`);
  }
  return [...new Set(names)];
}
