// The base64 text of web/wasm/core.wasm, made by vite.embed.config.ts.
declare module 'virtual:tconv-core-wasm' {
  const base64: string;
  export default base64;
}
