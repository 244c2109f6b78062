import type { Level } from './model.js';
import { priorityFor } from './priority.js';

/**
 * How widely and how urgently a report says it hurts, from its own words. A general helpdesk
 * lexicon, written from ITIL's impact and urgency definitions, not from the sample tickets.
 * Each list is tried in order; the first that matches sets the level.
 */
const IMPACT_CUES: [Level, RegExp][] = [
  [
    1,
    /\b(every(one|body)|all (users|staff|employees|of us|the office)|whole (office|company|building|floor|site|department)|entire (office|company|building|floor|site|team|department)|company[- ]wide|nobody can|no one can|outage|site down|is down for)\b/,
  ],
  [
    2,
    /\b(our team|the team|whole team|several (people|users|of us|colleagues)|a few (people|of us|colleagues)|multiple (people|users)|colleagues|department|we all|none of us)\b/,
  ],
];
const URGENCY_CUES: [Level, RegExp][] = [
  // Said outright first, so "not urgent" is not read as "urgent".
  [
    3,
    /\b(no rush|not urgent|when(ever)? you (can|have time|get a chance)|low priority|nice to have|at some point|no hurry|minor|cosmetic)\b/,
  ],
  [
    1,
    /\b(urgent(ly)?|asap|emergency|critical|immediately|right now|cannot work|can'?t work|unable to work|blocked|stopped working entirely|losing (money|data|sales)|customers? (cannot|can'?t)|payroll|deadline (is )?today|in an hour|before (the|my) (meeting|presentation))\b/,
  ],
  // Service requests and questions (ITIL: low urgency unless they say otherwise): asking for
  // something, access or set-up, for someone starting or for later.
  [
    3,
    /\b(could (you|i|we)|can (you|i|we) (get|have|give|set|add|please)|would like|is it possible|how (do|can|should) (i|we)|please (set up|add|give|create|install|order|arrange)|request(ing)? (a|an|access)|need access|access (to|for) (the|our|a)|new (starter|joiner|hire|contractor|colleague)|starts? (on )?(monday|tuesday|wednesday|thursday|friday|mon|tue|wed|thu|fri|next)|next (week|month)|will need|going to|planning to)\b/,
  ],
];

export interface PriorityFromWords {
  impact: Level;
  urgency: Level;
  /** The phrases that set impact and urgency; empty when the report gave no cue. */
  cues: string[];
}

function levelFrom(text: string, cues: [Level, RegExp][], fallback: Level) {
  for (const [level, pattern] of cues) {
    const match = pattern.exec(text);
    if (match) return { level, cue: match[0] };
  }
  return { level: fallback, cue: undefined };
}

/** Impact and urgency read from a report; one person and a normal pace (P3) when it says neither. */
export function priorityFromWords(text: string): PriorityFromWords & { priority: ReturnType<typeof priorityFor> } {
  const lower = text.toLowerCase().replace(/’/g, "'");
  const impact = levelFrom(lower, IMPACT_CUES, 3);
  const urgency = levelFrom(lower, URGENCY_CUES, 2);
  const cues = [impact.cue, urgency.cue].filter((cue): cue is string => cue !== undefined);
  return {
    impact: impact.level,
    urgency: urgency.level,
    cues,
    priority: priorityFor(impact.level, urgency.level),
  };
}
