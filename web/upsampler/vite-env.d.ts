// Vite's module types: `?worker&inline` (the worker as a Blob-URL constructor)
// and `?url` (an asset's URL), used by client/create-worker.ts, worker/band-pool.ts and ../components/shared/core-source.ts.
/// <reference types="vite/client" />
