/**
 * A real small disk for tests that fill one: a tmpfs of a few MB mounted on a temp folder. Needs
 * root (or CAP_SYS_ADMIN), as `npm test` runs in CI; elsewhere the test stops and says so rather
 * than passing without having filled anything.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export type SmallDisk = Readonly<{
  dir: string;
  /** Write a filler file until the disk refuses another byte. */
  fill: () => void;
  /** Remove the filler: the disk has room again. */
  free: () => void;
}>;

const mounted: string[] = [];

afterEach(() => {
  for (const dir of mounted.splice(0)) {
    spawnSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

export function smallDisk(bytes: number): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-small-disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`This test fills a real disk: it mounts a ${bytes}-byte tmpfs, which needs root (as CI runs). mount said: ${(r.stderr || r.error?.message || '').trim()}`);
  }
  mounted.push(dir);
  const filler = path.join(dir, 'filler.bin');
  return {
    dir,
    fill() {
      const fd = fs.openSync(filler, 'a');
      const chunk = Buffer.alloc(16 * 1024, 1);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      } finally {
        fs.closeSync(fd);
      }
      // The last partial block too.
      const tail = fs.openSync(filler, 'a');
      try {
        for (;;) fs.writeSync(tail, Buffer.alloc(512, 1));
      } catch {
        // full
      } finally {
        fs.closeSync(tail);
      }
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
  };
}
