/**
 * Browser mode's link to its server, as the page sees it. The event socket can drop for a
 * moment (the page reconnects); the link is lost once a new socket could not be opened: the
 * server has stopped, or no longer knows this launch's token. Saving, opening and autosave
 * cannot work then, and the page says so before an action fails. Electron has no server.
 */
export class ServerLink {
  #lost = $state(false);

  /** A reconnect has failed, and no socket has opened since. */
  get lost(): boolean {
    return this.#lost;
  }

  /** An event socket opened: the server is there. */
  opened(): void {
    this.#lost = false;
  }

  /** An event socket could not be opened again after the page's had dropped. */
  reconnectFailed(): void {
    this.#lost = true;
  }
}

/** The page's one link (browser mode's API keeps it up to date). */
export const serverLink = new ServerLink();
