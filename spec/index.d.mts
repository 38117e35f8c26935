/** Absolute path of `spec/workflows.openapi.yaml`, the single source of truth. */
export declare const specPath: string;
/** The monorepo's root: the folder that holds `spec/`. */
export declare const workspaceRoot: string;
/** The OpenAPI document, parsed (a fresh copy on every call). */
export declare function loadSpec(file?: string): Record<string, unknown>;
/** Every `*.json` under `packages/<name>/pacts/`, the one pacts folder of each consumer package, sorted. */
export declare function findPactFiles(root?: string): Promise<string[]>;
