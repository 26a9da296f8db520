/** A backend reason in words: the compute layer names it by key, the UI says it in its language. */
import type { BackendReason } from '../compute/select';
import { en } from './en';
import { formatMessage } from './format';

type Translate = (
  key: BackendReason['key'] | 'status.backendLine',
  params?: Record<string, string>,
) => string;

const english: Translate = (key, params) => formatMessage(en[key], params);

/** Why the backend runs, in words, through `t` (the UI's language); English by default (logs, tests). */
export function reasonText(why: BackendReason, t: Translate = english): string {
  return t(why.key, why.params ? { ...why.params } : undefined);
}

/**
 * What the status bar says about the backend: its label, then why ("CPU (chosen in settings)",
 * "WebGPU · nvidia ampere (a hardware GPU adapter)"). The label names the backend and the
 * adapter; the reason never repeats them.
 */
export function backendLine(backend: { label: string; why: BackendReason }, t: Translate = english): string {
  return t('status.backendLine', { label: backend.label, why: reasonText(backend.why, t) });
}
