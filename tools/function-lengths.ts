/**
 * Lists the longest functions in the production code (src/, tests excluded), longest first:
 *   npx tsx tools/function-lengths.ts [top=15] [dir=src]
 * A function's length is its line span, nested functions included (a closure factory counts all it encloses).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

interface FunctionSpan {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.ts$/.test(entry) && !/\.(test|spec)\.ts$/.test(entry) && !entry.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function nameOf(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return "constructor";
  if (ts.isGetAccessor(node) || ts.isSetAccessor(node)) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText();
  return "(anonymous)";
}

function spansIn(file: string, root: string): FunctionSpan[] {
  const src = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
      const end = src.getLineAndCharacterOfPosition(node.getEnd()).line;
      spans.push({ file: relative(root, file), name: nameOf(node), line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return spans;
}

export function longestFunctions(dir: string, top: number): FunctionSpan[] {
  const root = process.cwd();
  return sourceFiles(dir)
    .flatMap((f) => spansIn(f, root))
    .sort((a, b) => b.lines - a.lines)
    .slice(0, top);
}

const top = Number(process.argv[2] ?? 15);
const dir = process.argv[3] ?? "src";
for (const s of longestFunctions(dir, top))
  console.log(`${String(s.lines).padStart(5)}  ${s.name}  ${s.file}:${s.line}`);
