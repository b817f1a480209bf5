import { z } from 'zod';
import { listedInputSchema, listedOutputSchema } from './lean-schema.js';
import type { ServerDefinition } from './server-definition.js';

/**
 * A server's public contract: tool names, titles, descriptions, toolsets, input and output JSON schemas
 * (exactly as tools/list renders them) and annotations; resource URIs and templates; prompts and their
 * arguments. Each server commits `contract.snapshot.json`; a test fails when the contract changes until the
 * snapshot is updated (`npx vitest run -u`), so every change to what hosts see shows up in review.
 */
export function inputSchemaOf(shape: z.ZodRawShape): z.ZodObject {
  return z.object(shape).strict();
}

export function contractOf(def: ServerDefinition) {
  return {
    server: def.name,
    defaultToolsets: def.defaultToolsets ? [...def.defaultToolsets].sort() : 'all',
    tools: [...def.tools]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((t) => ({
        name: t.name,
        title: t.title,
        toolset: t.toolset,
        description: t.description,
        annotations: t.annotations,
        ...(t.transports ? { transports: t.transports } : {}),
        inputSchema: listedInputSchema(inputSchemaOf(t.input)),
        outputSchema: listedOutputSchema(z.object(t.output)),
      })),
    resources: (def.resources ?? []).map((r) => ({
      name: r.name,
      title: r.title,
      description: r.description,
      mimeType: r.mimeType,
      ...(r.uri !== undefined
        ? { uri: r.uri }
        : { template: r.template, completes: Object.keys(r.complete ?? {}).sort() }),
    })),
    prompts: (def.prompts ?? []).map((p) => ({
      name: p.name,
      title: p.title,
      description: p.description,
      arguments: Object.keys(p.args),
    })),
  };
}

/** Classifies a contract change: removing a tool or adding a required input breaks existing callers. */
export function classifyContractChange(
  before: ReturnType<typeof contractOf>,
  after: ReturnType<typeof contractOf>,
): { breaking: string[]; compatible: string[] } {
  const breaking: string[] = [];
  const compatible: string[] = [];
  const afterTools = new Map(after.tools.map((t) => [t.name, t]));
  const beforeTools = new Map(before.tools.map((t) => [t.name, t]));
  for (const [name, tool] of beforeTools) {
    const next = afterTools.get(name);
    if (!next) {
      breaking.push(`tool ${name} removed`);
      continue;
    }
    const req = (s: unknown) => new Set(((s as { required?: string[] }).required ?? []) as string[]);
    const props = (s: unknown) => new Set(Object.keys((s as { properties?: object }).properties ?? {}));
    for (const r of req(next.inputSchema))
      if (!req(tool.inputSchema).has(r)) breaking.push(`${name}: new required input ${r}`);
    for (const p of props(tool.inputSchema))
      if (!props(next.inputSchema).has(p)) breaking.push(`${name}: input ${p} removed`);
    for (const p of props(next.inputSchema))
      if (!props(tool.inputSchema).has(p)) compatible.push(`${name}: new input ${p}`);
    if (JSON.stringify(tool.annotations) !== JSON.stringify(next.annotations))
      compatible.push(`${name}: annotations changed`);
  }
  for (const name of afterTools.keys()) if (!beforeTools.has(name)) compatible.push(`tool ${name} added`);
  return { breaking, compatible };
}
