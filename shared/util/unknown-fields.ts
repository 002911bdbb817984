/**
 * Fields in typed JSON that a schema has no place for. The contract's schemas drop unknown keys,
 * which is right between our own processes but not for a person typing JSON on the command line:
 * `{"physicianLocation":"remote"}` would be "updated" and nothing would change. The CLI refuses
 * such input and names the fields, with the ones that exist there (shared: it reads zod schemas).
 */
import type { z } from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  valueType?: z.ZodType;
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema under wrappers and pipes: the part that says what shape the input has. */
function core(s: z.ZodType): z.ZodType {
  for (let i = 0; i < 32; i++) {
    const d = defOf(s);
    if (WRAPPERS.has(d.type) && d.innerType) s = d.innerType;
    // A preprocess is a pipe from a transform to the real schema; a refine or transform keeps its input's.
    else if (d.type === 'pipe' && d.in && d.out) s = defOf(d.in).type === 'transform' ? d.out : d.in;
    else break;
  }
  return s;
}

export type UnknownField = Readonly<{ path: string; known: readonly string[] }>;

/** Every key of `value` the schema would drop, as a dotted path with the keys known at that level. */
export function unknownFields(schema: z.ZodType, value: unknown, at = ''): UnknownField[] {
  const s = core(schema);
  const d = defOf(s);
  if (d.type === 'object' && d.shape && value && typeof value === 'object' && !Array.isArray(value)) {
    const shape = d.shape;
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      Object.hasOwn(shape, k) ? unknownFields(shape[k]!, v, `${at}${k}.`) : [{ path: `${at}${k}`, known: Object.keys(shape) }],
    );
  }
  if (d.type === 'array' && d.element && Array.isArray(value)) return value.flatMap((v, i) => unknownFields(d.element!, v, `${at}${i}.`));
  if (d.type === 'record' && d.valueType && value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => unknownFields(d.valueType!, v, `${at}${k}.`));
  }
  if (d.type === 'union' && d.options) {
    // The option the value is closest to (a destination of kind "mllp" is read as one): its fields.
    const shaped = d.options.filter((o) => {
      const t = defOf(core(o)).type;
      return Array.isArray(value) ? t === 'array' : value !== null && typeof value === 'object' ? t === 'object' || t === 'record' : false;
    });
    let best: UnknownField[] | null = null;
    for (const o of shaped) {
      const found = unknownFields(o, value, at);
      if (found.length === 0) return [];
      if (!best || found.length < best.length) best = found;
    }
    return best ?? [];
  }
  return [];
}

/** The message for a person: each unknown field, and what that level does have. */
export function unknownFieldsMessage(found: readonly UnknownField[], what: string): string {
  return found.map((f) => `"${f.path}" is not ${what} field (there: ${f.known.join(', ')}).`).join('\n');
}
