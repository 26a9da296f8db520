import { getContext, setContext } from 'svelte';
import { en, type MessageKey } from './en';
import { formatMessage } from './format';
import { zh } from './zh';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly { id: Locale; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'zh', name: '简体中文' },
];

const CATALOGS: Record<Locale, Record<MessageKey, string>> = { en, zh };
/** Each language's BCP 47 tag: the page's `lang`, and how dates and numbers are written. */
const TAGS: Record<Locale, string> = { en: 'en', zh: 'zh-CN' };
const STORAGE_KEY = 'kernel-studio.locale';
const CONTEXT_KEY = Symbol('i18n');

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** The UI language, reactive: components call `i18n.t(key)` and re-render on a switch. */
export class I18n {
  locale = $state<Locale>(initialLocale());

  t(key: MessageKey, params?: Record<string, string | number>): string {
    return formatMessage(CATALOGS[this.locale][key] ?? en[key], params);
  }

  /** The language's BCP 47 tag ('en', 'zh-CN'). */
  get tag(): string {
    return TAGS[this.locale];
  }

  setLocale(locale: Locale): void {
    this.locale = locale;
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    document.documentElement.lang = this.tag;
  }
}

/** Called once by App; children read it with `useI18n()` instead of a global store. */
export function provideI18n(i18n: I18n): I18n {
  return setContext(CONTEXT_KEY, i18n);
}

export function useI18n(): I18n {
  return getContext<I18n>(CONTEXT_KEY);
}
