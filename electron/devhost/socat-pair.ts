/**
 * A pseudo-terminal pair from socat, so the demo's simulated monitor can talk to the real serial
 * reader. Linux/macOS only (socat); the demo runs without serial where socat is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type SocatPair = Readonly<{ appPath: string; devicePath: string; close: () => void }>;

export async function startSocatPair(dir: string): Promise<SocatPair | null> {
  if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).status !== 0) return null;
  const appPath = path.join(dir, 'app-port');
  const devicePath = path.join(dir, 'device-port');
  const proc = spawn('socat', [`pty,raw,echo=0,link=${appPath}`, `pty,raw,echo=0,link=${devicePath}`], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (!(fs.existsSync(appPath) && fs.existsSync(devicePath))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill();
      return null;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { appPath, devicePath, close: () => proc.kill() };
}
