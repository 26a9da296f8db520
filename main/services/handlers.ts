import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import { isKernelStudioError } from '../../core/errors';
import {
  INVOKE_CHANNELS,
  type InvokeChannel,
  type InvokeMethod,
  type IpcError,
  type IpcErrorCode,
  type IpcResult,
  type LossBatch,
  type OpenedFile,
  type SavedFile,
  type SaveTextRequest,
} from '../../ipc/contract';
import { readTextFile, writeFileAtomic } from './atomic-file';
import type { HostContext } from './context';
import { RunLog } from './run-log';
import { argSchemas, MAX_TEXT_BYTES } from './schemas';

type Handler = (args: never) => Promise<unknown>;

/**
 * The main process's request handlers, independent of Electron: the desktop
 * app and the browser-mode server both dispatch into this one table, after
 * checking who is calling. Every argument is parsed with its schema first.
 */
export class MainHandlers {
  readonly runLog: RunLog;
  /** Paths the user picked in a dialog or opened: the only places saves may go, besides the data folder. */
  private readonly grantedPaths = new Set<string>();

  constructor(private readonly host: HostContext) {
    this.runLog = new RunLog(join(host.dataDir, 'runs'));
  }

  private readonly table: Record<InvokeMethod, Handler> = {
    getAppInfo: async () => this.host.appInfo,
    openWorkspace: async () => this.openWorkspace(),
    saveText: async ([request]: [SaveTextRequest]) => this.saveText(request),
    appendLoss: async ([batch]: [LossBatch]) => this.appendLoss(batch),
    readLoss: async ([runId]: [string]) => this.runLog.read(runId),
  };

  /** Looks a wire channel name up; unknown names are refused. */
  static methodOf(channel: string): InvokeMethod | undefined {
    return (Object.keys(INVOKE_CHANNELS) as InvokeMethod[]).find((m) => INVOKE_CHANNELS[m] === channel);
  }

  /** Validates and runs one call; never throws, always answers with an envelope. */
  async dispatch(channel: InvokeChannel | string, args: unknown): Promise<IpcResult<unknown>> {
    const method = MainHandlers.methodOf(channel);
    if (!method) return failure('invalid-argument', `Unknown request "${String(channel).slice(0, 64)}".`);
    const schema: z.ZodType = argSchemas[method];
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      return failure(
        'invalid-argument',
        `Bad argument for ${channel}${where}: ${issue?.message ?? 'invalid'}.`,
      );
    }
    try {
      const value = await this.table[method](parsed.data as never);
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toIpcError(error) };
    }
  }

  async close(): Promise<void> {
    await this.runLog.flush();
  }

  private async openWorkspace(): Promise<OpenedFile | null> {
    const path = await this.host.dialogs.pickOpenPath('workspace');
    if (path === null) return null;
    const absolute = resolve(path);
    const text = await readTextFile(absolute, MAX_TEXT_BYTES);
    this.grantedPaths.add(absolute);
    return { path: absolute, name: basename(absolute), text };
  }

  private async saveText(request: SaveTextRequest): Promise<SavedFile | null> {
    let target: string;
    if (request.path !== undefined) {
      target = resolve(request.path);
      if (!this.grantedPaths.has(target))
        throw new IpcFailure('forbidden', 'Saving there needs the Save As dialog first.');
    } else {
      const picked = await this.host.dialogs.pickSavePath(request.kind, request.suggestedName);
      if (picked === null) return null;
      target = resolve(picked);
    }
    await writeFileAtomic(target, request.text);
    this.grantedPaths.add(target);
    return { path: target, name: basename(target) };
  }

  private appendLoss(batch: LossBatch): void {
    this.runLog.append(batch.runId, batch.points);
    this.host.broadcast('lossPoints', batch);
  }
}

class IpcFailure extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function failure(code: IpcErrorCode, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}

const PASSTHROUGH_CODES = new Set<string>([
  'format',
  'unsupported',
  'too-large',
  'non-finite',
  'io',
  'forbidden',
]);

function toIpcError(error: unknown): IpcError {
  if (error instanceof IpcFailure) return { code: error.code, message: error.message };
  if (isKernelStudioError(error))
    return {
      code: PASSTHROUGH_CODES.has(error.code) ? (error.code as IpcErrorCode) : 'invalid-argument',
      message: error.message,
    };
  // Unexpected: keep the message, drop the stack.
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
