// Turns a core Wasm module into a component of one world of our WIT package:
//   node componentize.mjs --core m.wasm --wit wit/ --world dht22 --out dht22.wasm
// With `--core dummy`, jco makes the core module itself (every import used, every
// export a trap): test fixtures for components not built by our pipeline.
// Uses jco's library API (pinned in package.json) rather than its CLI: the CLI ignores
// the world name and cannot open --wit paths with preview2-shim 0.26.1 (see
// shared reference wasm.md). The package's .wit files are merged into one source.
import { componentEmbed, componentNew } from "@bytecodealliance/jco-transpile/wasm-tools";
import fs from "node:fs";
import path from "node:path";

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || i + 1 >= argv.length) usage(`bad argument '${argv[i]}'`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ["core", "wit", "world", "out"]) if (!out[k]) usage(`missing --${k}`);
  return out;
}

function usage(msg) {
  console.error(`componentize: ${msg}\nusage: node componentize.mjs --core M.wasm --wit DIR --world NAME --out C.wasm`);
  process.exit(2);
}

// One WIT source from a package folder: the first `package` line, then every file's
// body without its own `package` line.
function mergedWit(dir) {
  const pkgLine = /^\s*package\s+[^;]+;/m;
  let header = null;
  let body = "";
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".wit")).sort()) {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    const m = text.match(pkgLine);
    if (m && header === null) header = m[0];
    body += `\n// ---- ${f}\n` + text.replace(pkgLine, "");
  }
  if (header === null) usage(`no package declaration in ${dir}`);
  return header + "\n" + body;
}

// Plugins must not import WASI: the host does not implement it, and jco new would need
// an adapter. Name what pulled it in so the author can remove it.
function refuseWasi(core, file) {
  const wasi = WebAssembly.Module.imports(new WebAssembly.Module(core)).filter((i) => i.module.startsWith("wasi"));
  if (wasi.length === 0) return;
  const list = wasi.map((i) => `${i.module}.${i.name}`).join(", ");
  console.error(`componentize: ${file} imports WASI (${list}); plugins may only import their world ` +
    `(libc I/O such as printf/fopen pulls these in; use the SDK's wit_string_printf and logging instead)`);
  process.exit(1);
}

const a = args();
try {
  let embedded;
  if (a.core === "dummy") {
    embedded = await componentEmbed({ dummy: true, witSource: mergedWit(a.wit), world: a.world });
  } else {
    const core = fs.readFileSync(a.core);
    refuseWasi(core, a.core);
    embedded = await componentEmbed({ binary: core, witSource: mergedWit(a.wit), world: a.world });
  }
  const component = await componentNew(embedded);
  fs.mkdirSync(path.dirname(a.out), { recursive: true });
  const tmp = a.out + ".tmp";
  fs.writeFileSync(tmp, component);
  fs.renameSync(tmp, a.out);  // atomic: a running host never sees half a file
} catch (e) {
  console.error(`componentize: ${a.core} (world ${a.world}): ${e.message ?? e}`);
  process.exit(1);
}
