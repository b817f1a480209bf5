import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition } from '../../../servers/knowledge-base/server.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { type FakeGithub, startFakeGithub } from '../../support/fakes/github-server.js';
import { connectInMemory, type InMemoryConnection } from '../../support/mcp.js';

type Result = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: Record<string, unknown> };
const shipped = fileURLToPath(new URL('../../../knowledge-base/', import.meta.url));

describe.each(testEngines())('knowledge-base server tools on %s', (engine) => {
  let t: TestDatabase;
  let conn: InMemoryConnection;
  let github: FakeGithub;
  let home: string;
  let extra: string;
  const call = async (name: string, args: Record<string, unknown>) =>
    (await conn.client.callTool({ name, arguments: args })) as Result;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme');
    github = await startFakeGithub({ token: 'gh-test-token', owner: 'acme', repo: 'handbook' });
    github.files.set('docs/onboarding.md', '# Onboarding\n\nNew reps shadow three discovery calls in week one.\n');
    github.files.set('README.md', '# Not under docs/\n');
    home = mkdtempSync(join(tmpdir(), 'sophia-kb-home-'));
    extra = mkdtempSync(join(tmpdir(), 'playbooks-'));
    writeFileSync(join(extra, 'pricing.md'), '# Pricing objections\n\n## Too expensive\nAnchor on the cost of delinquency per unit.\n');
    writeFileSync(join(extra, 'logo.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]));
    conn = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: {
        SOPHIA_HOME: home,
        SOPHIA_KB_DIRS: extra,
        SOPHIA_KB_GITHUB: 'acme/handbook/docs@main',
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: 'gh-test-token',
        SOPHIA_EMBEDDING_CACHE: 'memory',
      },
    });
  });
  afterAll(async () => {
    await conn?.close();
    await github?.close();
    await t?.close();
  });

  it('indexes the shipped knowledge base, extra folders and GitHub paths, and reports what it refused', async () => {
    const r = await call('list_documents', { limit: 100 });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { documents: Array<{ path: string; tags: string[] }>; index: { problems: Array<{ path: string; message: string }>; sources: unknown[]; embedder: string } };
    const paths = s.documents.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'compliance/fair-housing.md',
        'compliance/fdcpa-regulation-f.md',
        'sales/apartment-industry-primer.md',
        'sophia/guide.md',
        `${extra.split('/').pop()}/pricing.md`,
        'github/acme/handbook/docs/onboarding.md',
      ]),
    );
    expect(paths).not.toContain('github/acme/handbook/README.md');
    expect(s.documents.find((d) => d.path === 'compliance/fair-housing.md')!.tags).toContain('fair-housing');
    expect(s.index.problems).toEqual([expect.objectContaining({ path: `${extra.split('/').pop()}/logo.md`, message: expect.stringMatching(/binary file/) })]);
    expect(s.index.embedder).toMatch(/^offline:/);
    expect(r.content[0]!.text).toMatch(/Not indexed:/);
  });

  it('finds the right passage and cites lines that really hold it', async () => {
    const r = await call('search_knowledge', { query: 'can we advertise adults only or no children', limit: 3 });
    expect(r.isError).toBeFalsy();
    const hits = (r.structuredContent as { hits: Array<{ path: string; startLine: number; endLine: number; citation: string; text: string; score: { fused: number } }> }).hits;
    const top = hits[0]!;
    expect(top.path).toBe('compliance/fair-housing.md');
    expect(top.citation).toMatch(/^compliance\/fair-housing\.md:\d+(-\d+)? \(/);
    const file = readFileSync(join(shipped, top.path), 'utf8').split('\n');
    const cited = file.slice(top.startLine - 1, top.endLine).join('\n');
    expect(cited).toContain(top.text.replace(/…$/, '').split('\n')[0]!.slice(0, 40));
    expect(cited.toLowerCase()).toMatch(/adults only|children/);
    expect(r.content[0]!.text).toContain(`[${top.citation}]`);
  });

  it('filters by folder and tag, and searches GitHub documents', async () => {
    const inFolder = await call('search_knowledge', { query: 'calls', path: 'compliance', limit: 10 });
    const paths = (inFolder.structuredContent as { hits: Array<{ path: string }> }).hits.map((h) => h.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p.startsWith('compliance/'))).toBe(true);
    const tagged = await call('search_knowledge', { query: 'objections', tags: ['sales'], mode: 'fts' });
    expect((tagged.structuredContent as { hits: Array<{ path: string }> }).hits[0]!.path).toBe('sales/apartment-industry-primer.md');
    const gh = await call('search_knowledge', { query: 'shadow discovery calls new reps', limit: 1 });
    expect((gh.structuredContent as { hits: Array<{ path: string }> }).hits[0]!.path).toBe('github/acme/handbook/docs/onboarding.md');
  });

  it('reads a section of a document with its outline', async () => {
    const r = await call('get_document', { path: 'compliance/fdcpa-regulation-f.md', section: '7-in-7' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { text: string; citation: string; outline: Array<{ heading: string | null }>; startLine: number };
    expect(s.text).toContain('More than 7 calls in 7 days');
    expect(s.citation).toMatch(/^compliance\/fdcpa-regulation-f\.md:\d+-\d+ \(.*7-in-7/);
    expect(s.outline.length).toBeGreaterThan(5);
    const bad = await call('get_document', { path: 'compliance/nope.md' });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toMatch(/No document 'compliance\/nope.md'.*list_documents/);
  });

  it('adds and updates a document through save_document, searchable at once', async () => {
    const add = await call('save_document', {
      path: 'playbooks/renewals.md',
      content: '# Renewal playbook\n\nCall residents ninety days before lease expiration with a zebra-striped offer.\n',
      tags: ['renewals'],
    });
    expect(add.isError, add.content[0]?.text).toBeFalsy();
    expect(add.structuredContent).toMatchObject({ path: 'playbooks/renewals.md', created: true });
    expect(readFileSync(join(home, 'tenants', 'acme', 'knowledge-base', 'playbooks', 'renewals.md'), 'utf8')).toMatch(/^---\ntags: \[renewals\]\n---\n# Renewal playbook/);
    const found = await call('search_knowledge', { query: 'zebra-striped offer', limit: 1 });
    expect((found.structuredContent as { hits: Array<{ path: string }> }).hits[0]!.path).toBe('playbooks/renewals.md');
    const upd = await call('save_document', { path: 'playbooks/renewals.md', content: '# Renewal playbook\n\nOffer a polka-dot discount instead.\n' });
    expect(upd.structuredContent).toMatchObject({ created: false });
    const old = await call('search_knowledge', { query: 'zebra-striped', mode: 'fts' });
    expect((old.structuredContent as { hits: unknown[] }).hits).toHaveLength(0);
  });

  it('refuses writes it cannot do, with the reason', async () => {
    const shippedDoc = await call('save_document', { path: 'compliance/fair-housing.md', content: '# Mine now' });
    expect(shippedDoc.isError).toBe(true);
    expect(shippedDoc.content[0]!.text).toMatch(/belongs to Sophia's knowledge base and cannot be changed here/);
    const big = await call('save_document', { path: 'big.md', content: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.isError).toBe(true);
    expect(big.content[0]!.text).toMatch(/2\.0 MB; the limit is 1 MB/);
    const escape = await call('save_document', { path: '../../etc/passwd.md', content: 'x' });
    expect(escape.isError).toBe(true);
    expect(escape.content[0]!.text).toMatch(/path must be relative/);
    const binary = await call('save_document', { path: 'bin.md', content: 'a\u0000b' });
    expect(binary.content[0]!.text).toMatch(/NUL character/);
  });

  it('answers bad search input with a clear message', async () => {
    const empty = await call('search_knowledge', { query: '   ' });
    expect(empty.isError).toBe(true);
    expect(empty.content[0]!.text).toMatch(/query is empty/);
    const unknown = await call('search_knowledge', { query: 'rent', collections: ['recipes'] });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]!.text).toMatch(/knowledge_base/);
    expect(unknown.content[0]!.text).not.toMatch(/\n\s+at /);
  });

  it('serves documents as kb://docs/{path} resources with path completion', async () => {
    const list = await conn.client.listResources();
    expect(list.resources.map((r) => r.uri)).toContain('kb://docs/compliance/fair-housing.md');
    const read = await conn.client.readResource({ uri: 'kb://docs/compliance/fair-housing.md' });
    const text = (read.contents[0] as { text: string }).text;
    expect(text).toContain('# Fair Housing guide for leasing and sales conversations');
    expect(text).toContain('not legal advice');
    const done = await conn.client.complete({ ref: { type: 'ref/resource', uri: 'kb://docs/{+path}' }, argument: { name: 'path', value: 'compl' } });
    expect(done.completion.values).toEqual(expect.arrayContaining(['compliance/fair-housing.md', 'compliance/fdcpa-regulation-f.md']));
  });

  it('has a prompt that answers from the knowledge base with citations', async () => {
    const p = await conn.client.getPrompt({ name: 'answer_from_knowledge_base', arguments: { question: 'How many collection calls per week are allowed?' } });
    const text = (p.messages[0]!.content as { text: string }).text;
    expect(text).toMatch(/Cite every statement/);
    expect(text).toMatch(/<passage citation="compliance\/fdcpa-regulation-f\.md:\d+-\d+/);
    expect(text).toMatch(/not legal advice/);
  });

  it('stores a model-written context per chunk when contextual retrieval is on (MCP sampling)', async () => {
    const c2 = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: { SOPHIA_HOME: home, SOPHIA_KB_CONTEXTUAL: 'true', SOPHIA_KB_DEFAULT: 'false', SOPHIA_EMBEDDING_CACHE: 'memory' },
      sampling: async (req) => ({
        role: 'assistant',
        model: 'test-model',
        content: { type: 'text', text: `Context: this chunk is from the quokka handbook (${String((req.params.messages[0]!.content as { text: string }).text.length)} chars seen).` },
      }),
    });
    try {
      const r = (await c2.client.callTool({ name: 'save_document', arguments: { path: 'ctx/hb.md', content: '# Handbook\n\nBring a notebook.\n' } })) as Result;
      expect(r.isError, r.content[0]?.text).toBeFalsy();
      const { rows } = await sql<{ context: string | null }>`
        select c.context from kb_chunks c join kb_documents d on d.id = c.document_id where d.path = 'ctx/hb.md'`.execute(t.sophia.db);
      expect(rows[0]!.context).toMatch(/^Context: this chunk is from the quokka handbook/);
      const s = (await c2.client.callTool({ name: 'search_knowledge', arguments: { query: 'quokka', mode: 'fts' } })) as Result;
      expect((s.structuredContent as { hits: Array<{ path: string }> }).hits[0]!.path).toBe('ctx/hb.md');
    } finally {
      await c2.close();
    }
  });
});

describe('knowledge-base server without a model', () => {
  it('skips contextual retrieval cleanly and says so', async () => {
    const [engine] = testEngines();
    const t = await createTestDatabase(engine!);
    await t.tenants('acme');
    const home = mkdtempSync(join(tmpdir(), 'sophia-kb-nomodel-'));
    mkdirSync(join(home, 'knowledge-base'), { recursive: true });
    writeFileSync(join(home, 'knowledge-base', 'note.md'), '# Note\n\nThe otter policy.\n');
    const conn = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: { SOPHIA_HOME: home, SOPHIA_KB_CONTEXTUAL: 'true', SOPHIA_KB_DEFAULT: 'false' },
    });
    try {
      const r = (await conn.client.callTool({ name: 'list_documents', arguments: {} })) as Result;
      const s = r.structuredContent as { documents: Array<{ path: string }>; index: { contextualRetrieval: string } };
      expect(s.documents.map((d) => d.path)).toEqual(['note.md']);
      expect(s.index.contextualRetrieval).toMatch(/skipped: no model/);
      const hit = (await conn.client.callTool({ name: 'search_knowledge', arguments: { query: 'otter' } })) as Result;
      expect((hit.structuredContent as { hits: Array<{ path: string }> }).hits[0]!.path).toBe('note.md');
    } finally {
      await conn.close();
      await t.close();
    }
  });
});

describe('knowledge-base server in read-only mode', () => {
  it('hides save_document and refuses it', async () => {
    const [engine] = testEngines();
    const t = await createTestDatabase(engine!);
    await t.tenants('acme');
    const home = mkdtempSync(join(tmpdir(), 'sophia-kb-ro-'));
    mkdirSync(join(home, 'knowledge-base'), { recursive: true });
    const conn = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: { SOPHIA_HOME: home, SOPHIA_READ_ONLY: 'true', SOPHIA_KB_DEFAULT: 'false' },
    });
    try {
      const tools = await conn.client.listTools();
      expect(tools.tools.map((x) => x.name).sort()).toEqual(['get_document', 'list_documents', 'search_knowledge']);
      const r = (await conn.client.callTool({ name: 'save_document', arguments: { path: 'a.md', content: 'x' } })) as Result;
      expect(r.isError).toBe(true);
      expect(r.content[0]!.text).toMatch(/save_document/);
    } finally {
      await conn.close();
      await t.close();
    }
  });
});
