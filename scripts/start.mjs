// `npm start`: set up, build the WebAssembly core, serve the page.
import { build, root, setup } from './toolchain.mjs';

setup(['wasm']);
build(['wasm']);

const { createServer } = await import('vite');
const server = await createServer({ root, server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5173) } });
await server.listen();
console.log('\n[tconv] serving the page; press Ctrl+C to stop.');
server.printUrls();
