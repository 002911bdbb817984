/** Process entry of the `closeout` command (bin/closeout.js loads the built copy of this file). */
import { runCli } from './run';
import { version } from '../../package.json';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// `closeout case show ID | head -3`: the reader closed the pipe. Stop quietly, as other tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: (t) => process.stdout.write(t),
    stdoutFd: 1,
    stderr: (t) => process.stderr.write(t),
    readStdin,
    stdinBytes: () => process.stdin,
    env: process.env,
  },
  { appVersion: version },
);
process.exitCode = code;
