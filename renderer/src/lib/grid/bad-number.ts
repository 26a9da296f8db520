/** The one-line message a numeric field shows when what was typed is refused. */
import { formatBoundEnd, type NumberBound } from '#core/bounds';
import type { I18n } from '../../i18n/i18n.svelte';

export function badNumberMessage(i18n: I18n, field: string, b: NumberBound): string {
  return i18n.t(b.whole ? 'field.badWhole' : 'field.badNumber', {
    field,
    min: formatBoundEnd(b.min),
    max: formatBoundEnd(b.max),
  });
}
