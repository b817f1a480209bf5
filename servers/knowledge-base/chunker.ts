/**
 * Heading-aware chunking with exact line ranges. Every body line of a document belongs to exactly one chunk
 * (so the document can be rebuilt from its chunks, and every citation's line range is true):
 *  - markdown: a chunk never crosses a heading (ATX `#` headings outside fenced code); its heading path is
 *    the headings above it ("Guide > Pricing > Discounts"); a section longer than `maxChars` is split at
 *    blank lines (or, failing that, at line ends); a heading with no text of its own joins the next chunk;
 *  - plain text and PDF text: paragraphs packed up to `maxChars`; PDF pages become headings ("Page 3").
 * Line numbers are 1-based, in the original file (front matter included).
 */
export interface Chunk {
  headingPath: string | null;
  startLine: number;
  endLine: number;
  content: string;
}

export interface ChunkOptions {
  maxChars?: number;
}

export interface FrontMatter {
  title?: string;
  tags?: string[];
  fields: Record<string, string>;
  /** Lines taken by the front matter block (0 when there is none). */
  lines: number;
}

/** Parses a leading `---` YAML-ish block (key: value, tags as [a, b] or a, b). */
export function parseFrontMatter(lines: string[]): FrontMatter {
  const empty: FrontMatter = { fields: {}, lines: 0 };
  if (lines[0]?.trim() !== '---') return empty;
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (end < 0 || end > 60) return empty;
  const fields: Record<string, string> = {};
  for (const line of lines.slice(1, end)) {
    const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (m) fields[m[1]!.toLowerCase()] = m[2]!.trim().replace(/^["']|["']$/g, '');
  }
  const tags = fields.tags
    ? fields.tags
        .replace(/^\[|\]$/g, '')
        .split(',')
        .map((t) => t.trim().replace(/^["']|["']$/g, ''))
        .filter(Boolean)
    : undefined;
  return { ...(fields.title ? { title: fields.title } : {}), ...(tags ? { tags } : {}), fields, lines: end + 1 };
}

interface Section {
  headings: string[];
  start: number; // 0-based line index
  end: number; // exclusive
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

export function chunkMarkdown(text: string, options: ChunkOptions = {}): { chunks: Chunk[]; title: string | null; front: FrontMatter } {
  const maxChars = options.maxChars ?? 1500;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const front = parseFrontMatter(lines);
  const sections: Section[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  let current: Section = { headings: [], start: front.lines, end: front.lines };
  let inFence = false;
  let title: string | null = front.title ?? null;
  for (let i = front.lines; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) inFence = !inFence;
    const m = !inFence ? HEADING.exec(line) : null;
    if (m) {
      const level = m[1]!.length;
      const heading = m[2]!.replace(/[*_`]/g, '').trim();
      if (!title && level === 1) title = heading;
      // A section holding only headings and blank lines joins the next one.
      const hasBody = lines.slice(current.start, i).some((l) => l.trim() !== '' && !HEADING.test(l));
      if (hasBody) {
        current.end = i;
        sections.push(current);
        current = { headings: [], start: i, end: i };
      }
      while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
      stack.push({ level, text: heading });
      current.headings = stack.map((s) => s.text);
    }
  }
  current.end = lines.length;
  if (current.end > current.start) sections.push(current);

  const chunks: Chunk[] = [];
  for (const s of sections) {
    for (const [a, b] of splitRange(lines, s.start, s.end, maxChars)) {
      const content = lines.slice(a, b).join('\n');
      if (!content.trim()) continue;
      chunks.push({ headingPath: s.headings.length ? s.headings.join(' > ') : null, startLine: a + 1, endLine: b, content });
    }
  }
  return { chunks, title, front };
}

/** Splits lines [start, end) into ranges of at most maxChars, preferring blank-line boundaries. */
function splitRange(lines: string[], start: number, end: number, maxChars: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let a = start;
  while (a < end) {
    let size = 0;
    let b = a;
    let lastBlank = -1;
    while (b < end && (b === a || size + lines[b]!.length + 1 <= maxChars)) {
      size += lines[b]!.length + 1;
      if (lines[b]!.trim() === '' && b > a) lastBlank = b;
      b++;
    }
    if (b < end && lastBlank > a + (b - a) / 3) b = lastBlank + 1;
    out.push([a, b]);
    a = b;
  }
  return out;
}

/** Plain text: paragraphs packed up to maxChars, no headings. */
export function chunkPlainText(text: string, options: ChunkOptions = {}): Chunk[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return splitRange(lines, 0, lines.length, options.maxChars ?? 1500)
    .map(([a, b]) => ({ headingPath: null, startLine: a + 1, endLine: b, content: lines.slice(a, b).join('\n') }))
    .filter((c) => c.content.trim() !== '');
}

/** PDF text (pages of lines): each page is a section headed "Page N"; line numbers count across pages. */
export function chunkPages(pages: string[][], options: ChunkOptions = {}): Chunk[] {
  const all: string[] = [];
  const chunks: Chunk[] = [];
  pages.forEach((page, p) => {
    const start = all.length;
    all.push(...page);
    for (const [a, b] of splitRange(all, start, all.length, options.maxChars ?? 1500)) {
      const content = all.slice(a, b).join('\n');
      if (content.trim()) chunks.push({ headingPath: `Page ${p + 1}`, startLine: a + 1, endLine: b, content });
    }
  });
  return chunks;
}
