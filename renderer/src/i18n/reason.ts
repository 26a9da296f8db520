/** A backend reason in words: the compute layer names it by key, the UI says it in its language. */
import type { BackendReason } from '../compute/select';
import { en } from './en';
import { formatMessage } from './format';

type Translate = (key: BackendReason['key'] | 'reason.cpu', params?: Record<string, string>) => string;

/** The reason in words, through `t` (the UI's language); English by default (logs, tests). */
export function reasonText(
  why: BackendReason,
  t: Translate = (key, params) => formatMessage(en[key], params),
): string {
  const line = t(why.key, why.params ? { ...why.params } : undefined);
  return why.cpu ? t('reason.cpu', { why: line }) : line;
}
