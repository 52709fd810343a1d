// `npm run build`: the static site in dist/ (relative URLs: any static host,
// any sub-folder). `node scripts/build.mjs wasm|native|asan` builds one target.
import { build, root, setup } from './toolchain.mjs';

const target = process.argv[2] ?? 'site';
if (target === 'site') {
  setup(['wasm']);
  build(['wasm']);
  const vite = await import('vite');
  await vite.build({ root, logLevel: 'info' });
  console.log(`[tconv] static site written to ${root}/dist`);
} else {
  setup(target === 'wasm' ? ['wasm'] : ['native']);
  build([target]);
}
