// Cargo runner for wasm32-wasip1: runs a test binary under Node's built-in WASI.
// The package directory (cargo's working directory for tests) is preopened at
// its own absolute path, so `env!("CARGO_MANIFEST_DIR")` paths resolve, and so
// is UPSAMPLE_GOLDEN_DIR when set.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [wasmPath, ...args] = process.argv.slice(2);
const preopens = { [process.cwd()]: process.cwd(), '.': process.cwd() };
if (process.env.UPSAMPLE_GOLDEN_DIR) {
  preopens[process.env.UPSAMPLE_GOLDEN_DIR] = process.env.UPSAMPLE_GOLDEN_DIR;
}
const wasi = new WASI({
  version: 'preview1',
  args: [wasmPath, ...args],
  env: process.env,
  preopens,
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
