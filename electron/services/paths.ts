import os from 'node:os';
import path from 'node:path';

/** The product name Electron derives `userData` from (package.json "productName"). */
export const APP_DIR_NAME = 'Closeout';

/**
 * Where the app keeps its data when CLOSEOUT_DATA_DIR is not set: the same folder Electron's
 * `app.getPath('userData')` gives, so the CLI and the app share one database.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env['CLOSEOUT_DATA_DIR']) return env['CLOSEOUT_DATA_DIR'];
  switch (platform) {
    case 'win32':
      return path.win32.join(env['APPDATA'] ?? path.win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
    default:
      return path.posix.join(env['XDG_CONFIG_HOME'] || path.posix.join(home, '.config'), APP_DIR_NAME);
  }
}
