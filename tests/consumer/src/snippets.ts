// The README is the source: every fenced block preceded by `<!-- snippet: name -->` is a complete
// program this suite runs, and every `sh` block preceded by `<!-- install: variant -->` is an install
// line it checks against the snippets of the same README.
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface Snippet {
  name: string;
  /** The README it comes from, relative to the repository root. */
  readme: string;
  line: number;
  code: string;
}

export interface InstallLine {
  variant: string;
  readme: string;
  line: number;
  /** The package names the line installs (without version ranges). */
  packages: string[];
  /** The specs as written (`@opentelemetry/api@~1.9.0`). */
  specs: string[];
}

const MARKER = /^<!--\s*(snippet|install):\s*([\w.-]+)\s*-->\s*$/;

function fencedBlockAfter(lines: string[], index: number, readme: string): { body: string; lang: string } {
  const open = lines[index + 1];
  const lang = open?.match(/^```(\w+)\s*$/)?.[1];
  if (lang === undefined) throw new Error(`${readme}:${index + 1}: a snippet marker must be followed by a fenced block`);
  const end = lines.findIndex((line, i) => i > index + 1 && line.startsWith("```"));
  if (end === -1) throw new Error(`${readme}:${index + 2}: unterminated fenced block`);
  return { body: lines.slice(index + 2, end).join("\n"), lang };
}

export function readReadme(root: string, readme: string): { snippets: Snippet[]; installs: InstallLine[] } {
  const lines = readFileSync(path.join(root, readme), "utf8").split("\n");
  const snippets: Snippet[] = [];
  const installs: InstallLine[] = [];
  lines.forEach((line, index) => {
    const marker = line.match(MARKER);
    if (!marker) return;
    const [, kind, name] = marker as unknown as [string, string, string];
    const { body, lang } = fencedBlockAfter(lines, index, readme);
    if (kind === "snippet") {
      if (lang !== "ts") throw new Error(`${readme}:${index + 1}: snippet ${name} must be a ts block`);
      snippets.push({ name, readme, line: index + 1, code: `${body}\n` });
      return;
    }
    const specs = body
      .split("\n")
      .filter((l) => l.startsWith("npm install "))
      .flatMap((l) =>
        l
          .replace(/#.*$/, "")
          .trim()
          .split(/\s+/)
          .slice(2)
          .filter((word) => !word.startsWith("-")),
      );
    if (specs.length === 0) throw new Error(`${readme}:${index + 1}: install ${name} has no npm install line`);
    installs.push({ variant: name, readme, line: index + 1, specs, packages: specs.map(packageOfSpec) });
  });
  return { snippets, installs };
}

/** `@scope/name@range` or `name@range` → the package name. */
export function packageOfSpec(spec: string): string {
  const at = spec.indexOf("@", 1);
  return at === -1 ? spec : spec.slice(0, at);
}

/** The package a bare import specifier loads (`@langchain/core/testing` → `@langchain/core`). */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile("snippet.mts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The packages a snippet imports. */
export function importedPackages(code: string): string[] {
  const names = new Set<string>();
  for (const statement of parse(code).statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const name = packageOfSpecifier(statement.moduleSpecifier.text);
      if (name !== undefined) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * The same program as CommonJS: imports stay (tsc turns them into `require`), everything after them
 * runs in an async function, since CommonJS has no top-level await.
 */
export function asCommonJs(code: string): string {
  const source = parse(code);
  let end = 0;
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) break;
    end = statement.getEnd();
  }
  return `${code.slice(0, end)}\nvoid (async () => {${code.slice(end)}})();\n`;
}

const SDK2_COMMENT = /^(?<code>.*?)\s*\/\/ SDK 2: (?<replacement>.+?)\s*$/;

/**
 * The SDK 2 form of a snippet, from its own `// SDK 2: ...` comments: a quoted module name replaces
 * the line's string literal; a `new X(...)` expression replaces the line's `new X(...)`.
 */
export function asSdk2(code: string, where: string): string {
  return code
    .split("\n")
    .map((line, index) => {
      const match = line.match(SDK2_COMMENT);
      if (!match?.groups) return line;
      const { code: statement, replacement } = match.groups as { code: string; replacement: string };
      if (/^"[^"]+"$/.test(replacement)) {
        const literal = statement.match(/"[^"]+"/);
        if (!literal) throw new Error(`${where}+${index}: "// SDK 2: ${replacement}" on a line without a string`);
        return statement.replace(literal[0], replacement);
      }
      const ctor = replacement.match(/^new ([\w.]+)\(/)?.[1];
      const start = ctor === undefined ? -1 : statement.indexOf(`new ${ctor}(`);
      if (ctor === undefined || start === -1) {
        throw new Error(`${where}+${index}: cannot apply "// SDK 2: ${replacement}"`);
      }
      let depth = 0;
      let stop = start + `new ${ctor}`.length;
      for (; stop < statement.length; stop++) {
        if (statement[stop] === "(") depth++;
        else if (statement[stop] === ")" && --depth === 0) break;
      }
      return `${statement.slice(0, start)}${replacement}${statement.slice(stop + 1)}`;
    })
    .join("\n");
}
