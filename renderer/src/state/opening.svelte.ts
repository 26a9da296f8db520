/**
 * A large workspace being opened (parsed in a worker): the name shown while it is read, and Cancel.
 * One at a time: a new open cancels the one still going.
 */
export class OpeningFile {
  #name = $state<string | null>(null);
  #controller: AbortController | null = null;

  /** The file being opened, as shown ("Opening <name>…"); null when none. */
  get name(): string | null {
    return this.#name;
  }

  /** Starts an open, cancelling any still going; the signal aborts if the user cancels this one. */
  begin(name: string): AbortSignal {
    this.cancel();
    const controller = new AbortController();
    this.#controller = controller;
    this.#name = name;
    return controller.signal;
  }

  /** The open with this signal ended (opened, failed or cancelled); a newer open is left alone. */
  end(signal: AbortSignal): void {
    if (this.#controller?.signal !== signal) return;
    this.#controller = null;
    this.#name = null;
  }

  /** The user's Cancel: the open stops (its worker ends) and nothing of it is applied. */
  cancel(): void {
    const controller = this.#controller;
    this.#controller = null;
    this.#name = null;
    controller?.abort();
  }
}
