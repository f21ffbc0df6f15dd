// Routing rules of subscriptions: the small part of CEL that Dapr examples use (event.<field> ==/!= "value", && and ||).

type Predicate = (event: Record<string, unknown>) => boolean;

const COMPARISON = /^\s*event\.([A-Za-z0-9_]+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|(\S+))\s*$/;

function comparison(text: string): Predicate {
  const match = COMPARISON.exec(text);
  if (!match) throw new Error(`the stand-in cannot evaluate the routing rule "${text}": use event.<field> == "value"`);
  const [, field, op, dq, sq, bare] = match;
  const expected = dq ?? sq ?? bare ?? '';
  return (event) => {
    const actual = String(event[field as string] ?? '');
    return op === '==' ? actual === expected : actual !== expected;
  };
}

export function compileRule(expression: string): Predicate {
  const alternatives = expression
    .split('||')
    .map((alt) => alt.split('&&').map((part) => comparison(part.replace(/^\s*\(|\)\s*$/g, ''))));
  return (event) => alternatives.some((all) => all.every((p) => p(event)));
}
