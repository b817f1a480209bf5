import { type Llm, NoModelError } from '../../shared/llm/llm.js';
import type { Logger } from '../../shared/log/logger.js';
import type { Chunk } from './chunker.js';

/**
 * Contextual retrieval (Anthropic, 2024): before indexing, a model writes one or two sentences situating
 * each chunk in its document ("This section of the Fair Housing guide covers ..."); the context is stored
 * with the chunk and searched with it (full-text and embedding). Runs only when SOPHIA_KB_CONTEXTUAL is on
 * and a model is available (MCP sampling or ANTHROPIC_API_KEY); without one it is skipped, and the index
 * status says so.
 */
export const CONTEXT_PROMPT = (document: string, chunk: string) =>
  `<document>\n${document}\n</document>\nHere is the chunk we want to situate within the whole document\n<chunk>\n${chunk}\n</chunk>\n` +
  'Please give a short succinct context to situate this chunk within the overall document for the purposes of improving search retrieval of the chunk. Answer only with the succinct context and nothing else.';

const MAX_DOCUMENT_CHARS = 24_000;

export interface ContextResult {
  contexts: Array<string | null>;
  model: string | null;
  skipped: string | null;
}

export async function contextualize(
  llm: Llm,
  title: string | null,
  chunks: Chunk[],
  logger: Logger,
  signal?: AbortSignal,
): Promise<ContextResult> {
  if (llm.kind === 'none') return { contexts: chunks.map(() => null), model: null, skipped: 'no model available' };
  const whole = chunks.map((c) => c.content).join('\n');
  const document = `${title ? `# ${title}\n` : ''}${whole.length > MAX_DOCUMENT_CHARS ? `${whole.slice(0, MAX_DOCUMENT_CHARS)}\n[...]` : whole}`;
  const contexts: Array<string | null> = [];
  let model: string | null = null;
  for (const chunk of chunks) {
    signal?.throwIfAborted();
    try {
      const res = await llm.complete({
        messages: [{ role: 'user', text: CONTEXT_PROMPT(document, chunk.content) }],
        maxTokens: 150,
        temperature: 0,
      });
      model = res.model;
      contexts.push(res.text.trim().slice(0, 600) || null);
    } catch (err) {
      if (err instanceof NoModelError) return { contexts: chunks.map(() => null), model: null, skipped: err.message };
      logger.warn('contextual retrieval: the model failed; indexing without context', {
        error: err instanceof Error ? err.message : String(err),
      });
      return { contexts: chunks.map(() => null), model: null, skipped: 'the model failed' };
    }
  }
  return { contexts, model, skipped: null };
}
