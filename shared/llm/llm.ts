import Anthropic from '@anthropic-ai/sdk';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { SophiaConfig } from '../config/config.js';

/**
 * Model access for tools that want one (review comments, summaries, contextual retrieval):
 *  1. MCP sampling: ask the host's own model, when the client declared the sampling capability;
 *  2. the Anthropic Messages API, when ANTHROPIC_API_KEY is set (ANTHROPIC_BASE_URL overrides the endpoint);
 *  3. none: `complete` throws NoModelError and the caller uses its deterministic fallback, saying so.
 */
export interface LlmMessage {
  role: 'user' | 'assistant';
  text: string;
}

export interface LlmRequest {
  system?: string;
  messages: LlmMessage[];
  maxTokens: number;
  temperature?: number;
}

export interface LlmResponse {
  text: string;
  model: string;
}

export interface Llm {
  kind: 'sampling' | 'anthropic' | 'none';
  complete(req: LlmRequest): Promise<LlmResponse>;
}

export class NoModelError extends Error {
  override name = 'NoModelError';
  constructor() {
    super('no model is available: the client does not support MCP sampling and ANTHROPIC_API_KEY is not set');
  }
}

export class LlmError extends Error {
  override name = 'LlmError';
}

export function samplingLlm(server: McpServer): Llm {
  return {
    kind: 'sampling',
    async complete(req) {
      const result = await server.server.createMessage({
        messages: req.messages.map((m) => ({ role: m.role, content: { type: 'text', text: m.text } })),
        maxTokens: req.maxTokens,
        ...(req.system ? { systemPrompt: req.system } : {}),
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      });
      const content = result.content;
      const blocks = Array.isArray(content) ? content : [content];
      const text = blocks
        .map((b) =>
          b && typeof b === 'object' && 'type' in b && b.type === 'text' ? (b as { text: string }).text : '',
        )
        .join('');
      if (!text) throw new LlmError('the host model returned no text');
      return { text, model: result.model };
    },
  };
}

export function anthropicLlm(config: SophiaConfig): Llm {
  const key = config.keys.anthropic;
  if (!key) throw new NoModelError();
  const client = new Anthropic({
    apiKey: key.reveal(),
    ...(config.keys.anthropicBaseUrl ? { baseURL: config.keys.anthropicBaseUrl } : {}),
    maxRetries: 2,
    timeout: 60_000,
  });
  return {
    kind: 'anthropic',
    async complete(req) {
      try {
        const message = await client.messages.create({
          model: config.keys.anthropicModel,
          max_tokens: req.maxTokens,
          ...(req.system ? { system: req.system } : {}),
          ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
          messages: req.messages.map((m) => ({ role: m.role, content: m.text })),
        });
        const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
        return { text, model: message.model };
      } catch (err) {
        // The SDK's errors carry status and message; never the key.
        const status = (err as { status?: number }).status;
        throw new LlmError(
          `the Anthropic API failed${status ? ` (HTTP ${status})` : ''}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    },
  };
}

export const noLlm: Llm = {
  kind: 'none',
  async complete() {
    throw new NoModelError();
  },
};

/** The best model access for a tool call: sampling, else the Anthropic API, else none. */
export function llmFor(ctx: { server: McpServer; config: SophiaConfig }): Llm {
  if (ctx.server.server.getClientCapabilities()?.sampling) return samplingLlm(ctx.server);
  if (ctx.config.keys.anthropic) return anthropicLlm(ctx.config);
  return noLlm;
}
