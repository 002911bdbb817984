/**
 * Synthetic IONM device simulator: entry of `npm run simulate` (built to out/main/simulate.js) and
 * the in-process API for the app's demo and the tests.
 *
 *   npm run simulate -- --out DIR [--serial PTY] [--speed N] [--start ISO] [--zone IANA] [--seed N]
 *                       [--formats edf,cadwell,xltek] [--serial-framing mllp|lines] [--cadwell-every MIN]
 *
 * Importing this module does not start the CLI; only running it as the process entry does.
 * (In-app code may equally import ./simulation directly.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSimulatorCli } from './cli';

export { runSimulation, SIM_FORMATS } from './simulation';
export type { SimFormat, SimProgress, SimulationHandle, SimulationOptions, SimulationSummary } from './simulation';
export { buildScenario, expectedFacts, CASE_DURATION_MS } from './scenario';
export type { ExpectedFacts, ExpectedMode, ExpectedNote, Scenario, SimAction } from './scenario';
export { parseSimulatorArgs, runSimulatorCli } from './cli';

function isProcessEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return fs.realpathSync(path.resolve(script)) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProcessEntry()) {
  process.exitCode = await runSimulatorCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    onSigint: (handler) => {
      let count = 0;
      const listener = (): void => {
        count += 1;
        // A second Ctrl-C means "now": skip the clean finish.
        if (count > 1) process.exit(130);
        handler();
      };
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
  });
}
