/** Process entry of `closeout-server` (bin/closeout-server.js loads the built copy of this file). */
import { runServerCli } from './server-cli';
import { version } from '../../package.json';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

const code = await runServerCli(
  process.argv.slice(2),
  { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), readStdin, env: process.env, stopSignal },
  version,
);
process.exitCode = code;
