// web/wasm/core-embed.wasm, gzipped then as base64 text, made by vite.embed.config.ts.
declare module 'virtual:tconv-core-wasm' {
  const gzippedBase64: string;
  export default gzippedBase64;
}
