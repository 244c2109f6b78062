import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** A knowledge article after its front matter is read and stripped. */
export interface KnowledgeDocument {
  /** Path relative to the source directory, with forward slashes. */
  path: string;
  title: string;
  summary: string;
  tags: string[];
  body: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function asTags(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((tag): tag is string => typeof tag === 'string');
  if (typeof value === 'string')
    return value
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
  return [];
}

function readFrontMatter(text: string): { meta: Record<string, unknown>; body: string } {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { meta: {}, body: text };
  let meta: unknown;
  try {
    meta = parseYaml(match[1] ?? '');
  } catch {
    // Broken front matter should not hide the article; index the body and fall back on its heading.
    meta = {};
  }
  return {
    meta: meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {},
    body: text.slice(match[0].length),
  };
}

export function parseMarkdownDocument(relativePath: string, text: string): KnowledgeDocument {
  const { meta, body } = readFrontMatter(text.replace(/^\uFEFF/, ''));
  const firstHeading = /^#\s+(.+)$/m.exec(body)?.[1]?.trim();
  const fallbackTitle = path.basename(relativePath, path.extname(relativePath)).replace(/[-_]+/g, ' ');
  return {
    path: relativePath.split(path.sep).join('/'),
    title: asString(meta.title) ?? firstHeading ?? fallbackTitle,
    summary: asString(meta.summary) ?? asString(meta.description) ?? '',
    tags: asTags(meta.tags),
    body,
  };
}
