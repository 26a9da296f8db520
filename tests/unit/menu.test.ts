import { readFileSync } from 'node:fs';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../main/menu-template';

/** Every role in a menu template, submenus included. */
function roles(items: readonly MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('application menu', () => {
  const send = () => undefined;

  it('has no Toggle Developer Tools in a packaged build', () => {
    for (const isMac of [false, true]) {
      expect(roles(menuTemplate(send, isMac, [], send, true))).not.toContain('toggleDevTools');
      expect(roles(menuTemplate(send, isMac, [], send, false))).toContain('toggleDevTools');
    }
  });

  it('is built from app.isPackaged in main/index.ts', () => {
    expect(readFileSync('main/index.ts', 'utf8')).toMatch(/buildMenu\([\s\S]*?app\.isPackaged,?\s*\)/);
  });
});
