/** `.kstudio` workspaces: the model, its strict schema, migration, and text in/out. Pure; used by the renderer and tests. */
export * from './model';
export {
  parseWorkspace,
  sameWorkspaceFile,
  serializeWorkspace,
  workspaceToFile,
  workspaceFromFile,
  formatPath,
} from './io';
export { migrate, MIGRATIONS } from './migrate';
export type { MigrationStep, JsonObject } from './migrate';
export { parseUntrustedJson, checkJsonShape, findForbiddenKey, FORBIDDEN_KEYS } from './safe-json';
export type { JsonShapeLimits } from './safe-json';
export {
  workspaceFileSchema,
  workspaceJsonSchema,
  RUN_ID_PATTERN,
  MAX_RUNS,
  MAX_RUN_POINTS,
  MAX_TRAINER_PARAMS,
  WORKSPACE_JSON_LIMITS,
} from './schema';
export type { WorkspaceFile } from './schema';
