/** Types of build-state.mjs for the TypeScript tests that use it. */
export function buildStale(dir?: string): boolean;
export function electronViteArgs(...args: string[]): string[];
