// Vite's module types: `?worker&inline` (the worker as a Blob-URL constructor)
// and `?url` (an asset's URL), used by core-worker.ts and ../shared/core-source.ts.
/// <reference types="vite/client" />
