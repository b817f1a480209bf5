import type { z } from 'zod';
import type { ResourceContext } from './define-resource.js';

/** How a prompt is declared: string arguments (with optional completion) rendered into messages. */
export type PromptShape = Record<string, z.ZodType<string | undefined>>;

export interface PromptMessage {
  role: 'user' | 'assistant';
  text: string;
}

export interface PromptDefinition<A extends PromptShape = PromptShape> {
  name: string;
  title: string;
  description: string;
  args: A;
  complete?: Partial<Record<keyof A & string, (value: string, ctx: ResourceContext) => Promise<string[]>>>;
  render(args: z.infer<z.ZodObject<A>>, ctx: ResourceContext): Promise<PromptMessage[]>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPrompt = PromptDefinition<any>;

export function definePrompt<A extends PromptShape>(def: PromptDefinition<A>): PromptDefinition<A> {
  return def;
}
