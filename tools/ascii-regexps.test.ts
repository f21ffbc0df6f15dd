// A dependency's regular expressions made ASCII must match exactly what they matched as written.
import { escapeRegExp, escapeRegExpLiterals } from './ascii-regexps';

const compile = (literal: string) => {
  const end = literal.lastIndexOf('/');
  return new RegExp(literal.slice(1, end), literal.slice(end + 1));
};

const SAMPLES = ['a – b', '–', 'café', 'straße', '“quoted”', '😀', 'x😀y', 'é', '\\', 'plain', '', 'ü😀–'];

it.each([
  '/^\\s*(to|-|–|until|through|till)\\s*$/i',
  '/["“”]/g',
  '/[‘’`´]/g',
  '/caf\\é/',
  '/\\\\é/',
  '/[😀]/',
  '/[😀]/u',
  '/😀+/u',
  '/\\p{L}ü/v',
  '/[–-—]/',
])('%s matches the same after escaping', (literal) => {
  const match = literal.match(/\/([a-z]*)$/) as RegExpMatchArray;
  const escaped = escapeRegExp(literal, match[1] as string);
  expect(escaped).toMatch(/^\p{ASCII}*$/u);
  const before = compile(literal);
  const after = compile(escaped);
  for (const sample of SAMPLES) expect([sample, after.test(sample)]).toEqual([sample, before.test(sample)]);
});

it('escapes regular expressions only, in modules and in scripts', () => {
  const module = `import x from 'y';\nconst a = "é" / 2, b = /é|–/g;\nexport const t = \`—\${a}\`;`;
  expect(escapeRegExpLiterals(module)).toBe(
    `import x from 'y';\nconst a = "é" / 2, b = /\\u00e9|\\u2013/g;\nexport const t = \`—\${a}\`;`,
  );
  const script = `with (o) { var r = /ü/i; }\nvar s = 010;`;
  expect(escapeRegExpLiterals(script)).toBe(`with (o) { var r = /\\u00fc/i; }\nvar s = 010;`);
});

it('leaves code it cannot parse to esbuild', () => {
  expect(escapeRegExpLiterals('const = /é/;')).toBeUndefined();
});
