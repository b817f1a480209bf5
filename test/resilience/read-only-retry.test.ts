import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DatabaseConnectionLostError, DatabaseUnavailableError } from '../../shared/db/resilient-pool.js';
import { defineTool } from '../../shared/runtime/define-tool.js';
import { defineServer } from '../../shared/runtime/server-definition.js';
import { connectInMemory } from '../support/mcp.js';

/** Issue 11 item 1: a read-only call that loses its connection is retried once; a write is not. */
function flakyServer(failures: Error[]) {
  let calls = 0;
  const make = (name: string, readOnly: boolean) =>
    defineTool({
      name,
      title: name,
      description: 'test tool',
      toolset: 'test',
      input: {},
      output: { attempt: z.number() },
      annotations: {
        readOnlyHint: readOnly,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
      async handler() {
        calls++;
        const failure = failures.shift();
        if (failure) throw failure;
        return { structured: { attempt: calls }, text: `attempt ${calls}` };
      },
    });
  return {
    def: defineServer({
      name: 'flaky',
      title: 'Flaky',
      version: '0.0.0',
      instructions: 'test',
      tools: [make('read_thing', true), make('write_thing', false)],
    }),
    calls: () => calls,
  };
}

describe('read-only retry after a lost connection', () => {
  it('retries a read-only tool once and answers', async () => {
    const s = flakyServer([new DatabaseConnectionLostError('Connection terminated unexpectedly')]);
    const c = await connectInMemory(s.def);
    try {
      const r = await c.client.callTool({ name: 'read_thing', arguments: {} });
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toEqual({ attempt: 2 });
    } finally {
      await c.close();
    }
  });

  it('gives up after one retry with a clear, retryable message', async () => {
    const lost = () => new DatabaseConnectionLostError('Connection terminated unexpectedly');
    const s = flakyServer([lost(), lost()]);
    const c = await connectInMemory(s.def);
    try {
      const r = await c.client.callTool({ name: 'read_thing', arguments: {} });
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.content)).toMatch(/lost its database connection.*call read_thing again/);
      expect(s.calls()).toBe(2);
    } finally {
      await c.close();
    }
  });

  it('does not repeat a tool that changes data', async () => {
    const s = flakyServer([new DatabaseConnectionLostError('Connection terminated unexpectedly')]);
    const c = await connectInMemory(s.def);
    try {
      const r = await c.client.callTool({ name: 'write_thing', arguments: {} });
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.content)).toMatch(/call write_thing again/);
      expect(s.calls()).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('does not repeat a call the database was unreachable for (the pool already waited)', async () => {
    const s = flakyServer([new DatabaseUnavailableError('the database is not reachable (ECONNREFUSED)')]);
    const c = await connectInMemory(s.def);
    try {
      const r = await c.client.callTool({ name: 'read_thing', arguments: {} });
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.content)).toMatch(/could not reach the database.*Retry in a moment/);
      expect(s.calls()).toBe(1);
    } finally {
      await c.close();
    }
  });
});
