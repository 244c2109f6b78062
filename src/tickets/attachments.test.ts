import { describe, expect, it } from 'vitest';
import { attachmentMaxBytes } from '../config/index.js';
import { checkAttachmentSize, cleanFilename, formatBytes } from './attachments.js';
import { guessContentType, isTextLog } from './content-type.js';

describe('attachment rules', () => {
  it('keeps only a usable file name, never a path or control characters', () => {
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\jo\\Desktop\\vpn.log')).toBe('vpn.log');
    expect(cleanFilename('re\u0007port\n.txt')).toBe('report.txt');
    expect(() => cleanFilename('..')).toThrow(/not a usable file name/);
    expect(() => cleanFilename('x'.repeat(256))).toThrow(/longer than 255/);
  });

  it('guesses the content type from the name and knows a text log', () => {
    expect(guessContentType('Screen Shot.PNG')).toBe('image/png');
    expect(guessContentType('vpn.log')).toBe('text/plain');
    expect(guessContentType('dump.bin')).toBe('application/octet-stream');
    expect(isTextLog('trace.log', 'application/octet-stream')).toBe(true);
    expect(isTextLog('notes', 'text/plain; charset=utf-8')).toBe(true);
    expect(isTextLog('shot.png', 'image/png')).toBe(false);
  });

  it('reads the size limit setting and refuses files over it with both sizes', () => {
    expect(attachmentMaxBytes({})).toBe(5 * 1024 * 1024);
    expect(attachmentMaxBytes({ ITBOT_ATTACHMENT_MAX_BYTES: '512KiB' })).toBe(512 * 1024);
    expect(attachmentMaxBytes({ ITBOT_ATTACHMENT_MAX_BYTES: '2 MiB' })).toBe(2 * 1024 * 1024);
    expect(() => attachmentMaxBytes({ ITBOT_ATTACHMENT_MAX_BYTES: '8MiB' })).toThrow(/from 1 byte to 7 MiB/);
    expect(() => attachmentMaxBytes({ ITBOT_ATTACHMENT_MAX_BYTES: 'big' })).toThrow(/ITBOT_ATTACHMENT_MAX_BYTES/);
    expect(() => checkAttachmentSize(2048, 1024, 'a.log')).toThrow(
      'a.log is 2.0 KiB; attachments are limited to 1.0 KiB, so nothing was attached.',
    );
    expect(() => checkAttachmentSize(1024, 1024, 'a.log')).not.toThrow();
    expect(() => checkAttachmentSize(5 * 1024 * 1024 + 1, 5 * 1024 * 1024, 'b.bin')).toThrow(
      'b.bin is 5242881 bytes; attachments are limited to 5242880 bytes',
    );
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
  });
});
