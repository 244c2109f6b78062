import type { KnowledgeDocument } from './markdown-document.js';

export interface KnowledgeChunk {
  ordinal: number;
  /** Title and heading path, e.g. "Reset a forgotten password › Steps". */
  heading: string;
  content: string;
}

/** Sections longer than this are split at paragraph boundaries, so one chunk stays one topic. */
const MAX_CHUNK_CHARS = 1800;
const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

interface Section {
  path: string[];
  lines: string[];
}

function splitSections(body: string): Section[] {
  const sections: Section[] = [{ path: [], lines: [] }];
  const stack: { level: number; text: string }[] = [];
  let inFence = false;
  for (const line of body.split(/\r?\n/)) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (!heading) {
      sections[sections.length - 1]?.lines.push(line);
      continue;
    }
    const level = heading[1]?.length ?? 1;
    while (stack.length && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
    stack.push({ level, text: heading[2] ?? '' });
    sections.push({ path: stack.map((entry) => entry.text), lines: [] });
  }
  return sections;
}

function splitLong(text: string): string[] {
  if (text.length <= MAX_CHUNK_CHARS) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const paragraph of text.split(/\n{2,}/)) {
    if (current && current.length + paragraph.length > MAX_CHUNK_CHARS) {
      pieces.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * Splits an article at its headings (never inside a code block). Each chunk carries the title
 * and heading path, so a chunk read alone still says what it is about.
 */
export function chunkDocument(document: KnowledgeDocument): KnowledgeChunk[] {
  const chunks: KnowledgeChunk[] = [];
  for (const section of splitSections(document.body)) {
    const content = section.lines.join('\n').trim();
    if (!content) continue;
    // The H1 usually repeats the title; leave it out of the path.
    const path = section.path.filter((part, index) => !(index === 0 && part === document.title));
    const heading = [document.title, ...path].join(' › ');
    for (const piece of splitLong(content)) chunks.push({ ordinal: chunks.length, heading, content: piece });
  }
  if (chunks.length === 0)
    chunks.push({ ordinal: 0, heading: document.title, content: document.summary || document.title });
  return chunks;
}
