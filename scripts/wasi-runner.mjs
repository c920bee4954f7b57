// Cargo runner for wasm32-wasip1: runs a test binary under Node's built-in WASI.
// The package directory (cargo's working directory for tests) is preopened at
// its own absolute path, so `env!("CARGO_MANIFEST_DIR")` paths resolve, and so
// is UPSAMPLE_GOLDEN_DIR when set.
//
// Node 20 itself sometimes dies of SIGSEGV while it shuts down after a test
// binary has finished (measured: 1 run in 12 of tests/fast_copying.rs, after
// its "test result: ok" line). A wasm program cannot raise SIGSEGV in its host
// (a trap is a RuntimeError and exit status 1), so the runner runs the binary
// in a child node and runs it again, up to three times in all, only when that
// child was killed by SIGSEGV; any other failure is reported at once.
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { WASI } from 'node:wasi';
import process from 'node:process';

if (process.env.UPSAMPLE_WASI_CHILD !== '1') {
  const env = { ...process.env, UPSAMPLE_WASI_CHILD: '1' };
  const argv = [...process.execArgv, new URL(import.meta.url).pathname, ...process.argv.slice(2)];
  for (let attempt = 1; ; attempt++) {
    const child = spawnSync(process.execPath, argv, { stdio: 'inherit', env });
    if (child.signal === 'SIGSEGV' && attempt < 3) {
      console.error(`wasi-runner: node crashed (SIGSEGV), attempt ${attempt} of 3; running again`);
      continue;
    }
    if (child.signal) {
      console.error(`wasi-runner: node killed by ${child.signal}`);
      process.exit(1);
    }
    process.exit(child.status ?? 1);
  }
}

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
