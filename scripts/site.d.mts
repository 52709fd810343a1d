// Types of site.mjs for the TypeScript tests that import it.
export declare const EMBED_BUDGET_GZ: number;
export declare function buildSite(
  outDir: string,
  options?: { logLevel?: 'info' | 'warn' | 'error' | 'silent' },
): Promise<{
  embedBytes: number;
  embedGzipBytes: number;
  /** dist/embed.html, the one-file iframe page. */
  embedPageBytes: number;
  /** The CSP source ('sha256-…') that allows embed.html's inline script. */
  embedPageScriptHash: string;
}>;
