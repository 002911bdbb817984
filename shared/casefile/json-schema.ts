/**
 * The published JSON Schema of the case file, generated from the zod schema so the two cannot
 * drift. The checked-in copy is docs/case-file.schema.json; a unit test compares it with this
 * output (regenerate: `npm run schema:case-file`, or `closeout case schema --out FILE`).
 */
import { z } from 'zod';
import { CASE_FILE_VERSION, CaseFileSchema } from './case-file';

export const CASE_FILE_SCHEMA_PATH = 'docs/case-file.schema.json';

export function caseFileJsonSchema(): Record<string, unknown> {
  // "input": what a file may hold (fields with a default may be left out), not what parsing returns.
  const { $schema, ...rest } = z.toJSONSchema(CaseFileSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema,
    $id: `https://closeout.invalid/schemas/case-file-v${CASE_FILE_VERSION}.json`,
    title: `Closeout case file, version ${CASE_FILE_VERSION}`,
    ...rest,
  };
}

/** The schema as the checked-in file holds it (two-space indent, final newline). */
export function caseFileJsonSchemaText(): string {
  return `${JSON.stringify(caseFileJsonSchema(), null, 2)}\n`;
}
