import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  CreateMessageRequestSchema,
  type CreateMessageRequest,
  type CreateMessageResult,
} from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../../shared/config/config.js';
import type { SophiaDatabase } from '../../shared/db/database.js';
import { createLogger } from '../../shared/log/logger.js';
import { buildServer } from '../../shared/runtime/build-server.js';
import { createProcessRuntime, type ProcessRuntime } from '../../shared/runtime/runtime-context.js';
import type { ServerDefinition } from '../../shared/runtime/server-definition.js';

/**
 * A real MCP Client connected to a server definition through the SDK's in-memory transport: the same
 * tools/call path, validation, audit and budgets as stdio and HTTP, without a process.
 */
export interface InMemoryConnection {
  client: Client;
  runtime: ProcessRuntime;
  close(): Promise<void>;
}

export async function connectInMemory(
  definition: ServerDefinition,
  options: {
    database?: SophiaDatabase;
    tenant?: string;
    env?: Record<string, string>;
    sampling?: (request: CreateMessageRequest) => Promise<CreateMessageResult>;
  } = {},
): Promise<InMemoryConnection> {
  const config = loadConfig({
    SOPHIA_HOME: mkdtempSync(join(tmpdir(), 'sophia-mem-')),
    SOPHIA_TENANT: options.tenant ?? 'acme',
    ...options.env,
  });
  // Without a database, tools that need one fail clearly (and the audit log keeps its entries in memory).
  const runtime = createProcessRuntime(config, createLogger(`test:${definition.name}`), {
    database: options.database ?? (() => Promise.reject(new Error('this test server has no database'))),
  });
  const server = buildServer(definition, runtime.contextFor('memory'));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client(
    { name: 'sophia-test-client', version: '1.0.0' },
    { capabilities: options.sampling ? { sampling: {} } : {} },
  );
  if (options.sampling) {
    const sampling = options.sampling;
    client.setRequestHandler(CreateMessageRequestSchema, (request) => sampling(request));
  }
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    runtime,
    async close() {
      await client.close();
      await server.close();
      await runtime.close();
    },
  };
}
