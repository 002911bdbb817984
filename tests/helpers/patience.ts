/**
 * Tests wait for conditions, never against a time budget: speed is `npm run bench`'s job, and CI
 * runs on a 2-core machine as busy as a developer's. The only clock in a test is a ceiling that
 * catches a hang, set far above what a loaded machine needs. A wait that hits it fails with what
 * it was waiting for.
 */
export const HANG_MS = 120_000;

/** A timeout given to a real component that is expected to succeed (an answer on loopback). */
export const ANSWER_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; after the hang ceiling, fails naming what it waited for. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ceilingMs = HANG_MS): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Retries `check` (an assertion, or a call that throws until ready) until it passes; after the hang ceiling, rethrows its last error. */
export async function eventually<T>(check: () => T | Promise<T>, ceilingMs = HANG_MS): Promise<T> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await sleep(25);
  }
}
