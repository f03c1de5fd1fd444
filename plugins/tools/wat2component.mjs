// node wat2component.mjs IN.wat OUT.wasm: assembles a component written in WAT with
// jco's wasm-tools (for hand-written test components).
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import fs from "node:fs";
import path from "node:path";

const [input, output] = process.argv.slice(2);
try {
  const bytes = await parse(fs.readFileSync(input, "utf8"));
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, bytes);
} catch (e) {
  console.error(`wat2component: ${input}: ${e.message ?? e}`);
  process.exit(1);
}
