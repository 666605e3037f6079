/**
 * "Strings from data are never inserted as HTML", enforced over the source tree: every use of an
 * HTML-parsing sink in src/ (innerHTML, outerHTML, insertAdjacentHTML, document.write(ln), srcdoc,
 * createContextualFragment, DOMParser.parseFromString, setHTMLUnsafe, jQuery-style .html()) must assign a
 * string LITERAL without interpolation (static markup written by us). Anything else — a variable, a template
 * with ${...}, a concatenation — fails this test with file:line. Tests are exempt. Also: no `eval`/`new
 * Function` (the CSP forbids them anyway), and the DOM helper turns strings into text nodes.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|tsx|js|mjs|html)$/.test(e) && !/\.test\.ts$/.test(e)) out.push(p);
  }
  return out;
}

const SINK =
  /(\.innerHTML|\.outerHTML|\.srcdoc)\s*(\+?=)(?!=)\s*|\.(insertAdjacentHTML|createContextualFragment|parseFromString|setHTMLUnsafe|write|writeln|html)\s*\(/g;
/** a plain string literal with no interpolation, up to the end of the statement/argument */
const LITERAL = /^(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`$]*`)\s*[;,)\n]/;

export function findUnsafeSinks(file: string, text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(SINK)) {
    const at = m.index!;
    const line = text.slice(0, at).split("\n").length;
    const lineText = text.split("\n")[line - 1].trim();
    if (/^\s*(\/\/|\*|\/\*)/.test(lineText)) continue; // comments
    const method = m[3];
    if (method === "write" || method === "writeln") {
      if (!/document\s*$/.test(text.slice(Math.max(0, at - 20), at))) continue; // stream.write(...) etc.
    }
    if (method === "html" && !/\$\([^)]*\)\s*$/.test(text.slice(Math.max(0, at - 60), at))) continue;
    let rest = text.slice(at + m[0].length);
    if (method === "insertAdjacentHTML") rest = rest.replace(/^\s*(?:"[^"]*"|'[^']*'|`[^`]*`)\s*,\s*/, ""); // skip the position argument
    if (!LITERAL.test(rest)) bad.push(`${file}:${line}: ${lineText}`);
  }
  for (const m of text.matchAll(/(?<![.\w])eval\s*\(|\bnew\s+Function\s*\(/g)) {
    const line = text.slice(0, m.index).split("\n").length;
    const lineText = text.split("\n")[line - 1].trim();
    if (!/^\s*(\/\/|\*)/.test(lineText)) bad.push(`${file}:${line}: ${lineText}`);
  }
  return bad;
}

describe("HTML sinks in src/", () => {
  it("the checker itself: flags data, templates and concatenation; allows static literals", () => {
    const cases: [string, number][] = [
      [`el.innerHTML = alarm.text;`, 1],
      ["el.innerHTML = `<b>${name}</b>`;", 1],
      [`el.innerHTML = "<b>" + name + "</b>";`, 1],
      [`el.outerHTML += x;`, 1],
      [`el.insertAdjacentHTML("beforeend", row);`, 1],
      [`new DOMParser().parseFromString(text, "text/html");`, 1],
      [`document.write(location.hash);`, 1],
      [`const f = new Function("return " + expr);`, 1],
      [`el.innerHTML = "";`, 0],
      [`el.innerHTML = '<span class="x"></span>';`, 0],
      ['el.innerHTML = `<svg viewBox="0 0 1 1"></svg>`;', 0],
      [`el.insertAdjacentHTML("beforeend", "<hr>");`, 0],
      [`if (el.innerHTML === "") {}`, 0],
      [`stream.write(buf);`, 0],
      [`// el.innerHTML = data; (a comment)`, 0],
      [`el.textContent = alarm.text;`, 0],
      [`await redis.eval(SCRIPT, { keys: [k] });`, 0],
    ];
    for (const [src, n] of cases) expect(findUnsafeSinks("x.ts", src).length, src).toBe(n);
  });

  it("no HTML sink in src/ or index.html takes anything but a static string literal", () => {
    const files = [...sources("src"), "index.html"];
    expect(files.length).toBeGreaterThan(50);
    const bad = files.flatMap((f) => findUnsafeSinks(f, readFileSync(f, "utf8")));
    expect(bad).toEqual([]);
  });

  it("the DOM helper h() appends strings as text nodes", () => {
    const dom = readFileSync("src/ui/dom.ts", "utf8");
    expect(dom).toMatch(/document\.createTextNode\(String\(c\)\)/);
  });
});
