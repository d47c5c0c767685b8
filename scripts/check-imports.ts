/**
 * The import graph of src/ (run by `npm run lint`): no import cycle, and no import that climbs a
 * floor. Floors are listed bottom first in FLOORS (CONTRIBUTING.md, "Layout"); a module may import
 * from its own floor and the floors below it, never from a floor above. Prints every offence and
 * exits 1 when there is one.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const SRC = path.resolve("src");

/** Bottom first. Each entry is a path under src/ (a file or a folder, without extension). */
const FLOORS: readonly (readonly string[])[] = [
  ["errors", "text", "logging"],
  ["auth"],
  ["domain"],
  ["config"],
  ["persistence/db"],
  ["persistence/sealing", "persistence/audit", "persistence/tokens", "persistence/cache"],
  ["persistence/keys", "persistence/pool"],
  ["http"],
  ["graphql", "rest"],
  ["server"],
  ["app"],
  ["main", "cli"],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Relative imports and re-exports of one file, resolved to files under src/ (`.js` written for `.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"(\.{1,2}\/[^"]+)"/gms)].map(
    (match) => match[1],
  );
  specifiers.push(...[...text.matchAll(/\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g)].map((match) => match[1]));
  return specifiers
    .map((specifier) => path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")))
    .filter((target) => target.startsWith(SRC + path.sep) && !target.includes(`${path.sep}generated${path.sep}`));
}

function floorOf(file: string): number | undefined {
  const relative = path.relative(SRC, file).replace(/\.ts$/, "").split(path.sep);
  const joined = relative.join("/");
  return FLOORS.findIndex((floor) => floor.some((room) => joined === room || joined.startsWith(`${room}/`)));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const problems: string[] = [];
const show = (file: string) => path.relative(process.cwd(), file);

for (const [file, targets] of graph) {
  const from = floorOf(file);
  if (from === undefined || from < 0) {
    problems.push(`${show(file)} is in no floor of scripts/check-imports.ts`);
    continue;
  }
  for (const target of targets) {
    const to = floorOf(target);
    if (to !== undefined && to > from) problems.push(`${show(file)} imports ${show(target)}, a floor above it`);
  }
}

// Cycles: Tarjan's strongly connected components; every component of more than one file is a cycle.
let index = 0;
const indices = new Map<string, number>();
const lowlinks = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
function connect(file: string): void {
  indices.set(file, index);
  lowlinks.set(file, index++);
  stack.push(file);
  onStack.add(file);
  for (const target of graph.get(file) ?? []) {
    if (!graph.has(target)) continue;
    if (!indices.has(target)) {
      connect(target);
      lowlinks.set(file, Math.min(lowlinks.get(file)!, lowlinks.get(target)!));
    } else if (onStack.has(target)) {
      lowlinks.set(file, Math.min(lowlinks.get(file)!, indices.get(target)!));
    }
  }
  if (lowlinks.get(file) === indices.get(file)) {
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) problems.push(`import cycle: ${component.map(show).sort().join(" ⇄ ")}`);
  }
}
for (const file of files) if (!indices.has(file)) connect(file);

if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`check-imports: ${problems.length} problem(s) in ${files.length} files`);
  process.exit(1);
}
console.log(`check-imports: ${files.length} files, no cycle, no import up a floor`);
