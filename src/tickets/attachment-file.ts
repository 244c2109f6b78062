import fs from 'node:fs';
import path from 'node:path';
import { errorMessage, UsageError } from '../errors.js';
import { checkAttachmentSize, cleanFilename } from './attachments.js';
import { guessContentType } from './content-type.js';

export interface AttachmentFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * Reads a file a person wants to attach, refusing a missing path, a directory, an unreadable file
 * or one over the limit before anything is sent, so nothing half-written is left on the ticket.
 */
export function readAttachmentFile(filePath: string, maxBytes: number, contentType?: string): AttachmentFile {
  const shown = filePath.slice(0, 200);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `There is no file ${shown}.` : `Cannot read ${shown} (${errorMessage(error)}).`,
      'Check the path; nothing was attached.',
    );
  }
  if (stat.isDirectory())
    throw new UsageError(
      `${shown} is a directory, not a file.`,
      'Attach a file (zip a folder first); nothing was attached.',
    );
  if (!stat.isFile())
    throw new UsageError(`${shown} is not a regular file.`, 'Attach a regular file; nothing was attached.');
  const filename = cleanFilename(path.basename(filePath));
  checkAttachmentSize(stat.size, maxBytes, filename);
  let content: Buffer;
  try {
    content = fs.readFileSync(filePath);
  } catch (error) {
    throw new UsageError(
      `Cannot read ${shown} (${errorMessage(error)}).`,
      'Check its permissions; nothing was attached.',
    );
  }
  // The file may have grown since it was measured.
  checkAttachmentSize(content.byteLength, maxBytes, filename);
  return { filename, contentType: contentType?.trim() || guessContentType(filename), content };
}
