import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { api } from '../../shared/contract/api';
import { IPC_PREFIX } from '../../shared/contract/bridge';
import { METHODS } from '../../shared/contract/methods';
import { DEFAULT_MESSAGES } from '../../shared/contract/errors';
import { zodFieldErrors } from '../../shared/domain/case';
import { isTrustedSender } from '../../shared/security/app-url';
import { err } from '../../shared/util/result';
import type { BackendSupervisor } from './backend-supervisor';

/**
 * One handler per contract method. Each checks who is asking (our page, main frame) and what
 * (arguments parsed against the contract) before anything reaches the backend.
 */
export type IpcOptions = Readonly<{
  /** `setAiKey`: keep the key in the OS secure store; returns whether it was stored securely. */
  saveAiKey: (key: string | null) => boolean;
}>;

export function registerIpc(supervisor: BackendSupervisor, devOrigin: string | undefined, options: IpcOptions): void {
  for (const method of METHODS) {
    ipcMain.handle(`${IPC_PREFIX}${method}`, async (event: IpcMainInvokeEvent, args: unknown) => {
      const frame = event.senderFrame;
      const isMain = frame !== null && frame === event.sender.mainFrame;
      if (!isTrustedSender(frame?.url, isMain, devOrigin)) {
        return err('BAD_INPUT', 'Refused: the request did not come from the Closeout window.');
      }
      const parsed = api[method].args.safeParse(args ?? {});
      if (!parsed.success) return err('BAD_INPUT', DEFAULT_MESSAGES.BAD_INPUT, zodFieldErrors(parsed.error));
      if (method === 'setAiKey') {
        // Main owns the key at rest; the backend gets it in memory, and says where it is kept.
        const a = parsed.data as { key: string | null };
        let savedSecurely = false;
        try {
          savedSecurely = options.saveAiKey(a.key);
        } catch {
          return err('INTERNAL', 'The API key could not be stored in this computer\'s secure store.');
        }
        return supervisor.call(method, { key: a.key, savedSecurely });
      }
      // Forward what the page sent; the backend parses again (it also serves the CLI and bridge).
      return supervisor.call(method, args ?? {});
    });
  }
}
