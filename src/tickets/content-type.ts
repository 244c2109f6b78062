import path from 'node:path';

/** The content types people attach to helpdesk tickets, by extension: logs, screenshots, documents. */
const BY_EXTENSION: Record<string, string> = {
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.out': 'text/plain',
  '.err': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.evtx': 'application/octet-stream',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.md': 'text/markdown',
  '.ini': 'text/plain',
  '.conf': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.eml': 'message/rfc822',
};

/** A content type from the file name; unknown extensions are plain bytes. */
export function guessContentType(filename: string): string {
  return BY_EXTENSION[path.extname(filename).toLowerCase()] ?? 'application/octet-stream';
}

/** type/subtype, optionally with parameters (charset=utf-8): what a Content-Type header accepts. */
export const CONTENT_TYPE_PATTERN =
  /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(;\s*[a-z0-9_-]+=[^;\s]+)*$/i;

/** A text log worth running through log analysis: text/plain, or a .log/.txt file whatever its type. */
export function isTextLog(filename: string, contentType: string): boolean {
  const ext = path.extname(filename).toLowerCase();
  return contentType.toLowerCase().startsWith('text/plain') || ext === '.log' || ext === '.txt';
}
