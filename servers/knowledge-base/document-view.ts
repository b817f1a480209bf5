import type { ChunkRow } from '../../shared/search/documents.js';

/**
 * Views of a document rebuilt from its chunks (which partition its body lines exactly): the whole text,
 * one section (by heading), a line range, and the outline (sections with line ranges).
 */
export interface Section {
  heading: string | null;
  startLine: number;
  endLine: number;
}

export function outline(chunks: ChunkRow[]): Section[] {
  const out: Section[] = [];
  for (const c of chunks) {
    const last = out[out.length - 1];
    if (last && last.heading === c.headingPath) last.endLine = c.endLine;
    else out.push({ heading: c.headingPath, startLine: c.startLine, endLine: c.endLine });
  }
  return out;
}

/** Lines of the document between start and end (inclusive), from the chunks that cover them. */
export function linesOf(chunks: ChunkRow[], start: number, end: number): string {
  const out: string[] = [];
  let expected: number | undefined;
  for (const c of chunks) {
    if (c.endLine < start || c.startLine > end) continue;
    const lines = c.content.split('\n');
    if (expected !== undefined && c.startLine > expected) out.push(''); // blank lines between chunks
    lines.forEach((l, i) => {
      const n = c.startLine + i;
      if (n >= start && n <= end) out.push(l);
    });
    expected = c.endLine + 1;
  }
  return out.join('\n');
}

/** Sections whose heading path contains the words of `query` (case-insensitive), best (shortest) first. */
export function findSections(sections: Section[], query: string): Section[] {
  const q = query.toLowerCase().trim();
  const words = q.split(/\s+/).filter(Boolean);
  return sections
    .filter((s) => s.heading && words.every((w) => s.heading!.toLowerCase().includes(w)))
    .sort((a, b) => {
      const al = a.heading!.toLowerCase().split(' > ').pop() === q ? 0 : 1;
      const bl = b.heading!.toLowerCase().split(' > ').pop() === q ? 0 : 1;
      return al - bl || a.heading!.length - b.heading!.length;
    });
}

/** A section and everything nested under it (subsections share its heading path as a prefix). */
export function sectionExtent(sections: Section[], section: Section): { startLine: number; endLine: number } {
  let end = section.endLine;
  for (const s of sections) {
    if (s.startLine > section.startLine && s.heading?.startsWith(`${section.heading} > `)) end = Math.max(end, s.endLine);
  }
  return { startLine: section.startLine, endLine: end };
}
