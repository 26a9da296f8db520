import { protocol } from 'electron';
import { appProtocolResponse } from './services/app-protocol';
import { APP_SCHEME } from './window-options';

/** Must run before `app.whenReady()`: makes app:// a secure, standard origin (WebGPU needs a secure context). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** Serves the built renderer from app://kernel-studio/, refusing anything outside its folder. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererDir, request));
}
