import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk.js';
import { parseMarkdownDocument } from './markdown-document.js';

const ARTICLE = `---
title: Reset a forgotten password
summary: Get back into your account.
tags: [password, account]
---
# Reset a forgotten password

Intro paragraph.

## Steps

1. Go to the portal.
2. Answer the prompts.

\`\`\`powershell
# this is a comment, not a heading
Get-ADUser jdoe
\`\`\`

### On a Mac

Open System Settings.

## If that didn't work

Call the helpdesk.
`;

describe('parseMarkdownDocument', () => {
  it('reads the front matter and strips it from the body', () => {
    const doc = parseMarkdownDocument('accounts/password-reset.md', ARTICLE);
    expect(doc).toMatchObject({
      path: 'accounts/password-reset.md',
      title: 'Reset a forgotten password',
      summary: 'Get back into your account.',
      tags: ['password', 'account'],
    });
    expect(doc.body.startsWith('# Reset a forgotten password')).toBe(true);
  });

  it('falls back to the first heading, then the file name, and uses description as summary', () => {
    expect(parseMarkdownDocument('x/vpn-help.md', '# VPN help\ntext').title).toBe('VPN help');
    expect(parseMarkdownDocument('x/vpn-help.md', 'just text').title).toBe('vpn help');
    expect(parseMarkdownDocument('a.md', '---\ndescription: From MS docs\n---\nbody').summary).toBe('From MS docs');
  });

  it('survives broken front matter', () => {
    const doc = parseMarkdownDocument('a.md', '---\ntitle: [unclosed\n---\n# Real title\nbody');
    expect(doc.title).toBe('Real title');
    expect(doc.body).toContain('body');
  });
});

describe('chunkDocument', () => {
  const chunks = chunkDocument(parseMarkdownDocument('accounts/password-reset.md', ARTICLE));

  it('splits at headings and carries the heading path', () => {
    expect(chunks.map((c) => c.heading)).toEqual([
      'Reset a forgotten password',
      'Reset a forgotten password › Steps',
      'Reset a forgotten password › Steps › On a Mac',
      "Reset a forgotten password › If that didn't work",
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
  });

  it('never splits inside a code block', () => {
    expect(chunks[1]?.content).toContain('# this is a comment, not a heading');
    expect(chunks[1]?.content).toContain('Get-ADUser jdoe');
  });

  it('splits very long sections at paragraph boundaries', () => {
    const paragraph = 'word '.repeat(150).trim();
    const long = chunkDocument(
      parseMarkdownDocument('a.md', `# T\n\n## Big\n\n${Array(8).fill(paragraph).join('\n\n')}`),
    );
    expect(long.length).toBeGreaterThan(2);
    expect(long.every((c) => c.content.length <= 1800)).toBe(true);
    expect(long.every((c) => c.heading === 'T › Big')).toBe(true);
  });
});
