import { describe, expect, it } from 'vitest';
import { type AttachmentView, describeFetchedAttachment, pickAttachment } from './attachment-answers.js';

const file = (id: string, filename: string, contentType: string): AttachmentView => ({
  id,
  filename,
  contentType,
  size: 120,
  author: 'maria.lopez',
  createdAt: '2026-12-03T09:15:00.000Z',
});

describe('attachments in the offline answers', () => {
  it('shows a text file as data, with terminal escapes and control characters taken out', () => {
    const log = 'ok line\n\u001b[31mred\u001b[0m line\u0007\n\u001b]0;new title\u0007last line';
    const text = describeFetchedAttachment('IT-000012', {
      attachment: file('3', 'vpn.log', 'text/plain'),
      content_base64: Buffer.from(log).toString('base64'),
    });
    expect(text).toContain('ok line\nred line\nlast line');
    expect([...text].filter((char) => char < ' ' && char !== '\n')).toEqual([]);
    expect(text).not.toContain('[31m');
    expect(text).toContain('itbot tickets attachment IT-000012 3 --output vpn.log');
  });

  it('never prints a picture, and cuts a long file', () => {
    const picture = describeFetchedAttachment('IT-000012', {
      attachment: file('4', 'screen.png', 'image/png'),
      content_base64: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
    });
    expect(picture).toMatch(/It is not text, so it is not shown here/);
    const long = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const cut = describeFetchedAttachment('IT-000012', {
      attachment: file('5', 'big.txt', 'text/plain'),
      content_base64: Buffer.from(long).toString('base64'),
    });
    expect(cut).toContain('--- end file, first 40 of 100 lines shown ---');
  });

  it('finds a file by its name, or says which ones there are', () => {
    const files = [file('1', 'vpn-client.log', 'text/plain'), file('2', 'screen.png', 'image/png')];
    expect(pickAttachment('IT-000012', files, 'VPN-client.log')).toEqual({ found: files[0] });
    expect(pickAttachment('IT-000012', files, 'screen')).toEqual({ found: files[1] });
    const missing = pickAttachment('IT-000012', files, 'report.pdf');
    expect('question' in missing && missing.question).toMatch(/No attachment is called report\.pdf/);
  });
});
