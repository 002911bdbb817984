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
export function registerIpc(supervisor: BackendSupervisor, devOrigin: string | undefined): void {
  for (const method of METHODS) {
    ipcMain.handle(`${IPC_PREFIX}${method}`, async (event: IpcMainInvokeEvent, args: unknown) => {
      const frame = event.senderFrame;
      const isMain = frame !== null && frame === event.sender.mainFrame;
      if (!isTrustedSender(frame?.url, isMain, devOrigin)) {
        return err('BAD_INPUT', 'Refused: the request did not come from the Closeout window.');
      }
      const parsed = api[method].args.safeParse(args ?? {});
      if (!parsed.success) return err('BAD_INPUT', DEFAULT_MESSAGES.BAD_INPUT, zodFieldErrors(parsed.error));
      // Forward what the page sent; the backend parses again (it also serves the CLI and bridge).
      return supervisor.call(method, args ?? {});
    });
  }
}
