/** Types of prereqs.mjs for the TypeScript tests that use it. */
export function whatIsMissing(): string | null;
/** The real EDF/HL7 test data folder (edf/ and hl7/), or undefined when there is none. */
export function testdataDir(): string | undefined;
