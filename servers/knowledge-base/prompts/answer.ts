import { z } from 'zod';
import { definePrompt } from '../../../shared/runtime/define-prompt.js';
import { estimateTokens } from '../../../shared/runtime/budget.js';
import { citation } from '../citations.js';
import { knowledgeBaseFor } from '../knowledge-base.js';
import { COLLECTION } from '../sources.js';

/**
 * Answers a question from the knowledge base with citations: the prompt runs the hybrid search itself and
 * hands the model the best passages, each labelled with its citation, and the rules for citing them.
 */
export const answerWithCitations = definePrompt({
  name: 'answer_from_knowledge_base',
  title: 'Answer from the knowledge base, with citations',
  description:
    'Finds the passages of the knowledge base that bear on a question and asks for an answer built only on them, citing [path:lines] for every claim, and saying so when the knowledge base does not answer it.',
  args: {
    question: z.string().describe('The question to answer, e.g. "Can a leasing agent say a building is great for young professionals?"'),
    path: z.string().optional().describe('Restrict to a folder or document, e.g. "compliance"'),
  },
  async render(args, ctx) {
    const question = (args.question ?? '').trim();
    if (!question) throw new Error('The question is empty: pass the question to answer.');
    const kb = await knowledgeBaseFor(ctx);
    await kb.ensureSynced(ctx.tenant);
    const path = args.path?.trim().replace(/^\/+|\/+$/g, '');
    const res = await kb.search(ctx.tenant).search.search({
      query: question,
      collections: [COLLECTION],
      limit: 8,
      ...(path ? { filter: /\.[a-z0-9]+$/i.test(path) ? { paths: [path] } : { pathPrefix: path } } : {}),
    });
    const passages: string[] = [];
    let tokens = 0;
    for (const h of res.hits) {
      const block = `<passage citation="${citation(h.path, h.startLine, h.endLine, h.heading)}">\n${h.content}\n</passage>`;
      if (tokens + estimateTokens(block) > 6000 && passages.length) break;
      passages.push(block);
      tokens += estimateTokens(block);
    }
    const text = [
      `Answer the question below using ONLY the knowledge-base passages that follow.`,
      `- Cite every statement with the passage's citation in square brackets, e.g. [compliance/fair-housing.md:40-52].`,
      `- If the passages do not answer the question, say so plainly and say what is missing; do not fill gaps from memory.`,
      `- Compliance material (Fair Housing, FDCPA / Regulation F) is guidance, not legal advice: say so when you use it.`,
      '',
      `Question: ${question}`,
      '',
      passages.length ? passages.join('\n\n') : '(The knowledge base returned no passage for this question.)',
    ].join('\n');
    return [{ role: 'user', text }];
  },
});
