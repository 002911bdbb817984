/**
 * How deeply JSON may nest. Nothing Closeout reads nests more than about ten levels (a case file:
 * file → events → event → payload → setup → channels → cursors); what JSON.stringify, zod and our
 * own walkers do with a value recurses, and a value nested thousands deep overflows the stack. So
 * every JSON input is refused past this depth, in plain words, before anything recurses into it.
 * Pure, iterative (no recursion of its own).
 */
export const MAX_JSON_DEPTH = 64;

/** The message for input nested too deeply; `what` names it ("The case file", "The arguments"). */
export function tooDeepMessage(what: string, max = MAX_JSON_DEPTH): string {
  return `${what} is nested more than ${max} levels deep. Nothing Closeout reads is nested that deep, so it is damaged or not what Closeout expects.`;
}

/**
 * The byte or character offset where JSON text first nests deeper than `max`, or -1. A scan of
 * brackets outside strings: it does not check the syntax (JSON.parse does that next).
 */
export function jsonTextTooDeepAt(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** Whether a value (parsed JSON, or arguments built in memory) nests arrays and objects deeper than `max`. */
export function valueTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  // Containers still to visit, with their depth (parsed JSON is a tree: no cycles to guard against).
  const stack: Array<readonly [object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as readonly [object, number];
    if (depth > max) return true;
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return false;
}
