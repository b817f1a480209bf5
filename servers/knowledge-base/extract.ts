import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { type Chunk, chunkMarkdown, chunkPages, chunkPlainText } from './chunker.js';

/**
 * Turns a file's bytes into searchable chunks: markdown, plain text and PDF (text layer, through pdf.js).
 * Refuses, with a message that says why, what it cannot index: an unsupported type, a file over the size
 * limit, a binary file posing as text, a PDF without a text layer.
 */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
export const SUPPORTED_EXTENSIONS = ['.md', '.markdown', '.txt', '.text', '.pdf'] as const;

export class DocumentError extends Error {
  override name = 'DocumentError';
}

export interface ExtractedDocument {
  title: string | null;
  tags: string[];
  mime: string;
  chunks: Chunk[];
  contentHash: string;
  sizeBytes: number;
  metadata: Record<string, unknown>;
}

export function isSupported(path: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Text that is not really text: NUL bytes, or many invalid UTF-8 sequences / control characters. */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) return true;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(sample);
  let bad = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) bad++;
  }
  return bad > Math.max(4, text.length * 0.02);
}

export async function extractDocument(path: string, bytes: Uint8Array): Promise<ExtractedDocument> {
  const ext = extname(path).toLowerCase();
  if (!isSupported(path))
    throw new DocumentError(`${path}: unsupported type '${ext || '(none)'}'; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`);
  if (bytes.byteLength > MAX_DOCUMENT_BYTES)
    throw new DocumentError(
      `${path}: ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB is over the ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB limit for one document; split it into smaller documents`,
    );
  const base = { contentHash: sha256(bytes), sizeBytes: bytes.byteLength };
  if (ext === '.pdf') {
    const pages = await pdfPages(path, bytes);
    const chunks = chunkPages(pages);
    if (chunks.length === 0) throw new DocumentError(`${path}: the PDF has no text layer (scanned images cannot be searched)`);
    const first = pages.flat().find((l) => l.trim());
    return { ...base, title: first?.trim().slice(0, 120) ?? null, tags: [], mime: 'application/pdf', chunks, metadata: { pages: pages.length } };
  }
  if (looksBinary(bytes)) throw new DocumentError(`${path}: this looks like a binary file, not ${ext === '.txt' ? 'text' : 'markdown'}`);
  const text = new TextDecoder('utf-8').decode(bytes);
  if (ext === '.md' || ext === '.markdown') {
    const { chunks, title, front } = chunkMarkdown(text);
    return {
      ...base,
      title,
      tags: front.tags ?? [],
      mime: 'text/markdown',
      chunks,
      metadata: Object.keys(front.fields).length ? { frontMatter: front.fields } : {},
    };
  }
  const chunks = chunkPlainText(text);
  const first = text.split('\n').find((l) => l.trim());
  return { ...base, title: first?.trim().slice(0, 120) ?? null, tags: [], mime: 'text/plain', chunks, metadata: {} };
}

async function pdfPages(path: string, bytes: Uint8Array): Promise<string[][]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  } catch (err) {
    throw new DocumentError(`${path}: not a readable PDF (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    const pages: string[][] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const lines: string[] = [];
      let line = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str;
        if (item.hasEOL) {
          lines.push(line);
          line = '';
        }
      }
      if (line) lines.push(line);
      pages.push(lines);
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}
