import fs from 'node:fs';
import path from 'node:path';
import { redactError, redactFields, type LogFields } from '../../shared/util/redact';

export type Logger = Readonly<{
  info: (event: string, fields?: LogFields) => void;
  warn: (event: string, fields?: LogFields) => void;
  error: (event: string, error: unknown, fields?: LogFields) => void;
}>;

const MAX_BYTES = 5 * 1024 * 1024;

/**
 * The one logger: JSON lines with an event name and allow-listed fields only (see redact.ts),
 * so no PHI can reach a log file. Rotates at 5 MB, keeping one previous file.
 */
export function createLogger(opts: Readonly<{ dir?: string; echo?: boolean }>): Logger {
  const file = opts.dir ? path.join(opts.dir, 'closeout.log') : null;
  if (opts.dir) {
    try {
      fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    } catch {
      // Logging must never stop the app; without a folder we only echo.
    }
  }
  const write = (level: string, event: string, fields: Record<string, unknown>) => {
    const line = `${JSON.stringify({ t: new Date().toISOString(), level, event, ...fields })}\n`;
    if (opts.echo) process.stderr.write(line);
    if (!file) return;
    try {
      if (fs.existsSync(file) && fs.statSync(file).size > MAX_BYTES) fs.renameSync(file, `${file}.1`);
      fs.appendFileSync(file, line, { mode: 0o600 });
    } catch {
      // A full disk must not turn a log line into a crash.
    }
  };
  return {
    info: (event, fields = {}) => write('info', event, redactFields(fields)),
    warn: (event, fields = {}) => write('warn', event, redactFields(fields)),
    error: (event, error, fields = {}) => write('error', event, { ...redactFields(fields), error: redactError(error) }),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
