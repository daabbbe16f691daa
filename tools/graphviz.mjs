// Draw a Graphviz DOT graph as SVG with Graphviz compiled to WebAssembly (the npm package @hpcc-js/wasm-graphviz,
// pinned in package-lock.json), so that no system package is needed.
// Usage: node tools/graphviz.mjs <out.svg> < graph.dot
import { readFileSync, writeFileSync } from "node:fs";
import { Graphviz } from "@hpcc-js/wasm-graphviz";

const out = process.argv[2];
if (!out) {
  console.error("usage: node tools/graphviz.mjs <out.svg> < graph.dot");
  process.exit(2);
}
const graphviz = await Graphviz.load();
writeFileSync(out, graphviz.dot(readFileSync(0, "utf8")));
