// How people type to a chat box, rewritten into the words the rest of the agent reads: misspelt command words,
// slang and shorthand ("tmrw", "taks", "pls", "prio"), curly quotes; the user's own words (titles) keep their case.
const FIXES: [RegExp, string | ((match: string) => string)][] = [
  // curly quotes, backtick and acute accent (as \u escapes: the bundle's text stays ASCII, see tools/ascii-regexps.ts)
  [/[\u2018\u2019`\u00b4]/g, "'"],
  [/[\u201c\u201d]/g, '"'],
  [/\b(?:tmrw|tmr|tmrow|tommorow|tomorow|tommorrow|tomorro|2moro|2morrow)\b/gi, 'tomorrow'],
  [/\b(?:tonite|2nite)\b/gi, 'tonight'],
  [/\b(?:tday|tdy)\b/gi, 'today'],
  [/\b(?:taks|tsak|taskk)\b/gi, 'task'],
  [/\b(?:tasls|taks)s\b/gi, 'tasks'],
  [/\b(?:remnd|remidn|rmind|remimd)\b/gi, 'remind'],
  [/\b(?:reminer|remider)\b/gi, 'reminder'],
  [/\b(?:pls|plz|plox)\b/gi, 'please'],
  [/\bcan u\b/gi, 'can you'],
  [/\bu\b(?=\s+(?:add|remind|put|show|tell|list|delete|mark))/gi, 'you'],
  [/\bprio\b/gi, 'priority'],
  [/\bwk\b/gi, 'week'],
  [/\bmins?\b/gi, 'minutes'],
  [/\bhrs?\b/gi, 'hours'],
  [/\b(need|have|got|want)\s+2\b/gi, '$1 to'],
  [/\bwat\b/gi, 'what'],
  [/\b(what|that|there|who)s\b/gi, "$1's"],
  [/\bits\s+(?=due|done|not|finished|overdue|urgent|important)/gi, "it's "],
  [/\b(isnt|dont|didnt|doesnt|wasnt|arent|havent|cant|wont)\b/gi, (m: string) => `${m.slice(0, -1)}'t`],
  [/\byoure\b/gi, "you're"],
  [/\btodays\b/gi, "today's"],
];

export function normalize(message: string): string {
  let text = message.replace(/\s+/g, ' ').trim();
  for (const [pattern, replacement] of FIXES)
    text = typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement);
  return text;
}
