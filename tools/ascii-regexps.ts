// esbuild writes a bundle as ASCII (its default charset) except inside regular-expression literals
// (evanw/esbuild#4205). One non-ASCII character anywhere makes V8 hold the bundle's whole text, which it keeps for lazy
// compiling, as a two-byte string: for the backend's 7.5 MB file, 15 MB of heap instead of 7.5 for as long as it runs.
// This plugin writes the non-ASCII characters of a dependency's regular expressions as \u escapes, which mean the
// same; our own sources write them so (tools/build.test.ts checks that every bundle comes out ASCII).
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse, type Token, tokTypes } from 'acorn';

/** A regular-expression token carries its pattern and flags (acorn's typings leave `value` out). */
type RegExpToken = Token & { value: { flags: string } };

import type { Plugin } from 'esbuild';

const NON_ASCII = /[^\p{ASCII}]/u;

const hex = (unit: number) => unit.toString(16).padStart(4, '0');

/** One regular-expression literal with its non-ASCII characters as escapes (`\u{…}` where the u or v flag allows). */
export function escapeRegExp(literal: string, flags: string): string {
  const unicode = /[uv]/.test(flags);
  let out = '';
  let backslashes = 0;
  for (const char of literal) {
    const point = char.codePointAt(0) as number;
    if (point < 0x80) {
      out += char;
      backslashes = char === '\\' ? backslashes + 1 : 0;
      continue;
    }
    // `\é` (an identity escape, outside the u flag) is `é`: the escape replaces the backslash, not follows it
    if (backslashes % 2 === 1) out = out.slice(0, -1);
    backslashes = 0;
    if (point <= 0xffff) out += `\\u${hex(point)}`;
    else if (unicode) out += `\\u{${point.toString(16)}}`;
    else
      out += char
        .split('')
        .map((unit) => `\\u${hex(unit.charCodeAt(0))}`)
        .join('');
  }
  return out;
}

/** `code` with every regular-expression literal made ASCII; undefined when acorn cannot parse it. */
export function escapeRegExpLiterals(code: string): string | undefined {
  for (const sourceType of ['module', 'script'] as const) {
    const literals: RegExpToken[] = [];
    try {
      parse(code, {
        ecmaVersion: 'latest',
        sourceType,
        allowHashBang: true,
        allowReturnOutsideFunction: true,
        allowAwaitOutsideFunction: sourceType === 'script',
        onToken: (token) => {
          if (token.type === tokTypes.regexp) literals.push(token as RegExpToken);
        },
      });
    } catch {
      continue;
    }
    let out = '';
    let last = 0;
    for (const token of literals) {
      const text = code.slice(token.start, token.end);
      if (!NON_ASCII.test(text)) continue;
      out += code.slice(last, token.start) + escapeRegExp(text, token.value.flags);
      last = token.end;
    }
    return out + code.slice(last);
  }
  return undefined;
}

/** Loads each dependency's JavaScript with its regular expressions made ASCII (only files that hold non-ASCII text). */
export const asciiRegExps: Plugin = {
  name: 'ascii-regexps',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async (args) => {
      const code = await readFile(args.path, 'utf8');
      if (!NON_ASCII.test(code)) return undefined;
      const escaped = escapeRegExpLiterals(code);
      if (escaped === undefined) {
        return {
          warnings: [{ text: `ascii-regexps: could not parse ${args.path}; its regular expressions stay as written` }],
        };
      }
      return { contents: escaped, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};
