import type { IpcResult } from '../ipc/contract';
import { isTrustedSender } from './window-options';

/** The part of Electron's IpcMainInvokeEvent the guard reads. */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
  readonly sender: { readonly mainFrame: unknown };
}

export const REFUSED_SENDER: IpcResult<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'Refused: the request did not come from Kernel Studio.' },
};

/**
 * Runs an IPC call only when it comes from our own top frame on app://kernel-studio;
 * anything else (a subframe, another origin, a frame already gone) gets a typed refusal
 * and the handler never runs. `dispatch` then parses the arguments with the channel's schema.
 */
export async function guardedInvoke(
  event: InvokeEventLike,
  dispatch: () => Promise<IpcResult<unknown>>,
): Promise<IpcResult<unknown>> {
  let url: string | undefined;
  let isTop = false;
  try {
    const frame = event.senderFrame;
    url = frame?.url;
    isTop = frame !== null && frame === event.sender.mainFrame;
  } catch {
    // A frame destroyed mid-call throws on access: refuse.
    return REFUSED_SENDER;
  }
  if (!isTrustedSender(url, isTop)) return REFUSED_SENDER;
  return dispatch();
}
