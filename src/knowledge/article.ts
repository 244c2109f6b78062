import { UsageError } from '../errors.js';
import type { Queryable } from '../store/index.js';
import { displayPath } from './search.js';

export interface ArticleSection {
  heading: string;
  content: string;
}

export interface Article {
  path: string;
  title: string;
  summary: string;
  tags: string[];
  sections: ArticleSection[];
}

/** Splits a display path ("kb/x.md" for the bundled knowledge base) back into source and path. */
function candidates(displayed: string): { source: string | null; path: string }[] {
  const list: { source: string | null; path: string }[] = [{ source: null, path: displayed }];
  if (displayed.startsWith('kb/')) list.unshift({ source: 'bundled', path: displayed.slice(3) });
  return list;
}

/** One whole article, its sections in order, as indexed. */
export async function getArticle(db: Queryable, displayedPath: string): Promise<Article> {
  for (const { source, path } of candidates(displayedPath)) {
    const { rows } = await db.query<{
      id: number;
      source: string;
      path: string;
      title: string;
      summary: string;
      tags: string[];
    }>(
      `SELECT id, source, path, title, summary, tags FROM kb_documents
       WHERE path = $1 AND ($2::text IS NULL OR source = $2) ORDER BY id LIMIT 1`,
      [path, source],
    );
    const document = rows[0];
    if (!document) continue;
    const chunks = await db.query<ArticleSection>(
      'SELECT heading, content FROM kb_chunks WHERE document_id = $1 ORDER BY ordinal',
      [document.id],
    );
    return {
      path: displayPath(document.source, document.path),
      title: document.title,
      summary: document.summary,
      tags: document.tags,
      sections: chunks.rows,
    };
  }
  throw new UsageError(
    `There is no article ${displayedPath} in the knowledge base.`,
    'Use a path returned by search_knowledge.',
  );
}
