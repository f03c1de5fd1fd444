// node check_wit.mjs FILE.wit WORLD: exits 0 when wasm-tools (through jco) accepts FILE as
// WIT with that world, 1 with its error otherwise. Used to check `inspect` output.
import { componentEmbed } from "@bytecodealliance/jco-transpile/wasm-tools";
import fs from "node:fs";

try {
  await componentEmbed({ dummy: true, witSource: fs.readFileSync(process.argv[2], "utf8"), world: process.argv[3] });
} catch (e) {
  console.error(e.message ?? e);
  process.exit(1);
}
