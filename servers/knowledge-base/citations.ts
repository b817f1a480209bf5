/**
 * How the knowledge base cites: `path:start-end` plus the heading, e.g.
 * `compliance/fair-housing.md:40-52 (Fair Housing guide > Steering)`. The same string appears in tool text,
 * structured output and the prompt, so the host's model can quote it back exactly.
 */
export function citation(path: string, startLine: number, endLine: number, heading: string | null): string {
  const lines = startLine === endLine ? `${startLine}` : `${startLine}-${endLine}`;
  return `${path}:${lines}${heading ? ` (${heading})` : ''}`;
}

export function docUri(path: string): string {
  return `kb://docs/${path.split('/').map(encodeURIComponent).join('/')}`;
}
