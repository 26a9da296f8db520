import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { makePrivateFolder } from '../../node/files';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What is remembered of the main window between launches. */
export interface WindowState {
  /** Absent on the first launch: the OS places the window. */
  readonly bounds: Rect | null;
  readonly maximized: boolean;
}

export interface WindowSizeLimits {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
}

const int = z.number().int().min(-100_000).max(100_000);
const stateSchema = z.strictObject({
  version: z.literal(1),
  bounds: z.strictObject({ x: int, y: int, width: int.min(1), height: int.min(1) }).nullable(),
  maximized: z.boolean(),
});

/** How much of the title bar must be on a screen for the saved position to be kept. */
const MIN_VISIBLE = 64;

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The bounds to open the window with: the saved ones, shrunk to fit the largest display's
 * work area and never below the minimum size; the position is dropped (the OS centres
 * the window) when the top strip would not be visible on any display now attached.
 */
export function restoreBounds(
  saved: WindowState | null,
  workAreas: readonly Rect[],
  limits: WindowSizeLimits,
): { x?: number; y?: number; width: number; height: number } {
  const fallback = { width: limits.width, height: limits.height };
  const bounds = saved?.bounds;
  if (!bounds || workAreas.length === 0) return fallback;
  const maxW = Math.max(...workAreas.map((a) => a.width));
  const maxH = Math.max(...workAreas.map((a) => a.height));
  const width = Math.max(limits.minWidth, Math.min(bounds.width, maxW));
  const height = Math.max(limits.minHeight, Math.min(bounds.height, maxH));
  const titleStrip: Rect = { x: bounds.x, y: bounds.y, width, height: Math.min(height, 32) };
  const visible = workAreas.some((area) => {
    const o = overlap(titleStrip, area);
    return o.width >= Math.min(MIN_VISIBLE, width) && o.height > 0;
  });
  return visible ? { x: bounds.x, y: bounds.y, width, height } : { width, height };
}

/**
 * `<dataDir>/window-state.json`. Read once before the window opens, written when it closes;
 * both synchronous because the close can be the last thing the process does.
 * A missing or damaged file just means default placement.
 */
export class WindowStateStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'window-state.json');
  }

  load(): WindowState | null {
    try {
      const parsed = stateSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? { bounds: parsed.data.bounds, maximized: parsed.data.maximized } : null;
    } catch {
      return null;
    }
  }

  save(state: WindowState): void {
    const bounds = state.bounds && {
      x: Math.round(state.bounds.x),
      y: Math.round(state.bounds.y),
      width: Math.round(state.bounds.width),
      height: Math.round(state.bounds.height),
    };
    const parsed = stateSchema.safeParse({ version: 1, bounds, maximized: state.maximized });
    if (!parsed.success) return;
    makePrivateFolder(dirname(this.file));
    const temp = `${this.file}.${process.pid}.tmp`;
    rmSync(temp, { force: true });
    // 'wx' never follows a link planted at the temp name; rename replaces a link at the file itself.
    writeFileSync(temp, `${JSON.stringify(parsed.data)}\n`, { flag: 'wx', mode: 0o600 });
    renameSync(temp, this.file);
  }
}
