import { describe, expect, it } from 'vitest';
import { chunkMarkdown, chunkPages, chunkPlainText, parseFrontMatter } from '../../../servers/knowledge-base/chunker.js';
import { DocumentError, extractDocument, looksBinary } from '../../../servers/knowledge-base/extract.js';
import { tinyPdf } from '../../support/tiny-pdf.js';

const MD = [
  '---', // 1
  'title: Late fees', // 2
  'tags: [payments, policy]', // 3
  '---', // 4
  '# Late fee policy', // 5
  '', // 6
  'Intro text.', // 7
  '', // 8
  '## Grace period', // 9
  'Three to five days.', // 10
  '```', // 11
  '# not a heading inside code', // 12
  '```', // 13
  '## Caps', // 14
  '### By state', // 15
  'Several states cap fees.', // 16
].join('\n');

describe('heading-aware markdown chunking', () => {
  const { chunks, title, front } = chunkMarkdown(MD);

  it('reads front matter and the title', () => {
    expect(title).toBe('Late fees');
    expect(front.tags).toEqual(['payments', 'policy']);
    expect(front.lines).toBe(4);
    expect(parseFrontMatter(['no', 'front']).lines).toBe(0);
  });

  it('never crosses a heading, keeps heading paths, ignores headings in code, and joins empty headings to the next text', () => {
    expect(chunks.map((c) => [c.headingPath, c.startLine, c.endLine])).toEqual([
      ['Late fee policy', 5, 8],
      ['Late fee policy > Grace period', 9, 13],
      ['Late fee policy > Caps > By state', 14, 16],
    ]);
  });

  it('partitions the body lines exactly: chunks rebuild the document', () => {
    const lines = MD.split('\n');
    for (const c of chunks) expect(c.content).toBe(lines.slice(c.startLine - 1, c.endLine).join('\n'));
  });

  it('splits long sections at blank lines within the size limit', () => {
    const para = (i: number) => `Paragraph ${i} ${'word '.repeat(30)}`;
    const text = ['# Big', ...Array.from({ length: 10 }, (_, i) => [para(i), '']).flat()].join('\n');
    const { chunks: parts } = chunkMarkdown(text, { maxChars: 400 });
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) {
      expect(p.content.length).toBeLessThanOrEqual(400);
      expect(p.headingPath).toBe('Big');
    }
    const covered = parts.flatMap((p) => Array.from({ length: p.endLine - p.startLine + 1 }, (_, i) => p.startLine + i));
    expect(new Set(covered).size).toBe(covered.length);
  });

  it('chunks plain text by paragraphs and PDF text by page', () => {
    const txt = chunkPlainText('one\ntwo\n\nthree\nfour', { maxChars: 14 });
    expect(txt.map((c) => [c.startLine, c.endLine])).toEqual([
      [1, 3],
      [4, 5],
    ]);
    const pdf = chunkPages([['a', 'b'], ['c']]);
    expect(pdf.map((c) => [c.headingPath, c.startLine, c.endLine])).toEqual([
      ['Page 1', 1, 2],
      ['Page 2', 3, 3],
    ]);
  });
});

describe('document extraction', () => {
  it('extracts markdown with tags and a content hash', async () => {
    const d = await extractDocument('policy/late.md', Buffer.from(MD));
    expect(d).toMatchObject({ title: 'Late fees', tags: ['payments', 'policy'], mime: 'text/markdown' });
    expect(d.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('extracts the text layer of a PDF, page by page', async () => {
    const pdf = tinyPdf([['Rent collection policy', 'Payments are due on the first.'], ['Late fees apply after the fifth.']]);
    const d = await extractDocument('policy/rent.pdf', pdf);
    expect(d.mime).toBe('application/pdf');
    expect(d.title).toBe('Rent collection policy');
    expect(d.chunks.map((c) => c.headingPath)).toEqual(['Page 1', 'Page 2']);
    expect(d.chunks[1]!.content).toContain('Late fees apply after the fifth.');
  });

  it('refuses binary files, oversized files, unsupported types and broken PDFs with the reason', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(looksBinary(png)).toBe(true);
    await expect(extractDocument('images/logo.md', png)).rejects.toThrow(/looks like a binary file/);
    await expect(extractDocument('big.md', Buffer.alloc(2 * 1024 * 1024, 'a'))).rejects.toThrow(/2\.0 MB is over the 1 MB limit/);
    await expect(extractDocument('data.csv', Buffer.from('a,b'))).rejects.toThrow(/unsupported type '\.csv'/);
    await expect(extractDocument('x.pdf', Buffer.from('not a pdf'))).rejects.toThrow(DocumentError);
  });
});
