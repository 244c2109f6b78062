/**
 * The everyday words for each of the sample company's categories: "printer tickets" is the
 * Printing queue, "phishing reports" Security/Phishing, "IT-512 is actually a network issue" a
 * move to Network. This is directory data, like the group aliases: a site with other categories
 * has paths these words never name, so topics there fall back to text search alone.
 */
const CATEGORY_WORDS: Record<string, string[]> = {
  'Accounts & Access/Password Reset': ['password reset', 'password resets', 'pw reset', 'lockout', 'lockouts'],
  'Accounts & Access/MFA & Sign-in': [
    'mfa',
    '2fa',
    'authenticator',
    'sign-in',
    'sign in',
    'multi-factor',
    'mfa prompt',
  ],
  'Accounts & Access/Access Requests': ['access request', 'access requests', 'permission request', 'permissions'],
  'Accounts & Access/Joiners & Leavers': [
    'joiner',
    'joiners',
    'leaver',
    'leavers',
    'joiner leaver',
    'joiners leavers',
    'starter',
    'starters',
    'new starter',
    'new starters',
    'onboarding',
    'offboarding',
  ],
  'Network/VPN': ['vpn', 'anyconnect', 'globalprotect'],
  'Network/Wi-Fi': ['wifi', 'wi-fi', 'wireless'],
  'Network/Office Network': ['office network', 'lan', 'ethernet', 'network port', 'switch'],
  Network: ['network', 'networking'],
  'Email & Calendar/Outlook': ['outlook', 'outlok', 'email', 'e-mail', 'emails'],
  'Email & Calendar/Shared Mailboxes & Calendars': [
    'shared mailbox',
    'shared mailboxes',
    'shared calendar',
    'shared calendars',
    'mailbox',
    'mailboxes',
  ],
  'Collaboration/OneDrive & SharePoint': ['onedrive', 'one drive', 'sharepoint', 'share point'],
  'Devices/Windows Laptops': ['windows laptop', 'windows laptops', 'laptop', 'laptops', 'windows', 'pc', 'pcs'],
  'Devices/Macs': ['mac', 'macs', 'macbook', 'macbooks'],
  'Devices/Mobile Devices': ['mobile', 'mobiles', 'mobile device', 'mobile devices', 'iphone', 'iphones', 'android'],
  'Devices/Peripherals': [
    'peripheral',
    'peripherals',
    'monitor',
    'monitors',
    'keyboard',
    'keyboards',
    'headset',
    'headsets',
  ],
  Printing: ['printer', 'printers', 'printing', 'print'],
  'Printing/Follow-Me Printing': ['follow-me', 'follow me', 'followme'],
  'Printing/Scanning': ['scanner', 'scanners', 'scanning', 'scan to email'],
  'Software/Installation & Licensing': [
    'licence',
    'licences',
    'license',
    'licenses',
    'licensing',
    'licence request',
    'licence requests',
    'software request',
    'software requests',
    'install',
    'installs',
    'installation',
  ],
  'Software/Microsoft 365 Apps': ['m365 apps', 'office apps', 'excel', 'word', 'powerpoint'],
  'Security/Phishing & Suspicious Email': ['phishing', 'phish', 'suspicious email', 'suspicious emails', 'spam'],
  'Security/Malware & Account Compromise': [
    'malware',
    'virus',
    'viruses',
    'ransomware',
    'compromise',
    'compromised account',
  ],
  'Security/Password Manager': ['password manager', '1password'],
  'Business Applications/SAP Finance': ['sap', 'sap finance'],
  'Business Applications/Customer Portal': ['customer portal', 'portal'],
  'Facilities IT/Meeting Room AV': ['meeting room', 'meeting rooms', 'room av', 'projector', 'projectors', 'av'],
  'Facilities IT/Badges & Door Access': [
    'badge',
    'badges',
    'badge reader',
    'badge readers',
    'door access',
    'door',
    'doors',
  ],
};

/** Words that describe a kind of ticket rather than name its topic ("wifi complaints", "sap issues"). */
const KIND_WORDS =
  /^(?:issues?|problems?|complaints?|reports?|requests?|faults?|calls?|stuff|things?|ones?|tickets?)$/i;

/**
 * The category a topic means, when every word of it is one category's word ("printer",
 * "joiner leaver", "wifi complaints"); the words left over ("from leeds") are returned for the text.
 */
export function categoryForTopic(
  topic: string,
  categories?: readonly string[],
): { category: string; phrase: string; rest: string } | undefined {
  const all = topic
    .toLowerCase()
    .replace(/[&/,]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  // "access requests" is a category's own phrase; "wifi complaints" is "wifi" said as complaints.
  for (const words of [all, all.filter((word) => !KIND_WORDS.test(word))]) {
    // The longest run of leading words that one category owns.
    for (let length = Math.min(words.length, 3); length >= 1; length--) {
      const phrase = words.slice(0, length).join(' ');
      const category = Object.entries(CATEGORY_WORDS).find(
        ([path, names]) => (!categories || categories.includes(path)) && names.includes(phrase),
      )?.[0];
      if (category) return { category, phrase, rest: words.slice(length).join(' ') };
    }
  }
  return undefined;
}

/** A category some words in a sentence name ("is actually a network issue", "filed under phishing"). */
export function categoryNamedIn(text: string, categories?: readonly string[]): string | undefined {
  const lower = ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
    .replace(/\s+/g, ' ')} `;
  let best: { category: string; length: number } | undefined;
  for (const [category, names] of Object.entries(CATEGORY_WORDS)) {
    if (categories && !categories.includes(category)) continue;
    for (const name of names)
      if (lower.includes(` ${name} `) && (!best || name.length > best.length)) best = { category, length: name.length };
  }
  return best?.category;
}
