/**
 * The messages and hints written in the library's sources (everything below
 * src/cli), found by reading the syntax tree, with the text each can take:
 * the second argument of `new DfuFlashError`, every `hint:` property, every
 * `message:` beside a hint or in a warning, every `…_HINT` constant, and the
 * arguments a helper takes as `message` or `hint`. Conditionals, `??`,
 * concatenations, templates, local constants and same-module or imported
 * helper functions are followed, so each site gives the shapes its text can
 * have: static pieces with holes where a value goes in.
 */
import ts from 'typescript';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** A piece of a text: written in the source, or a hole for a value. */
export type Piece = string | null;
/** One text a site can produce, as pieces (adjacent strings merged, empty ones dropped). */
export type Shape = Piece[];

export interface TextSite {
  file: string;
  line: number;
  kind: 'message' | 'hint';
  shapes: Shape[];
}

const MAX_SHAPES = 64;

interface Module {
  path: string;
  source: ts.SourceFile;
  /** Top-level and nested `const x = …` initialisers, by name (a name declared twice is ambiguous and left out). */
  consts: Map<string, ts.Expression>;
  /** Functions (declarations and `const f = (…) => …`), by name. */
  functions: Map<string, ts.SignatureDeclaration & { body?: ts.ConciseBody | undefined }>;
  /** Imported name → the module file it comes from. */
  imports: Map<string, { file: string; name: string }>;
}

function normalize(shape: Shape): Shape {
  const out: Shape = [];
  for (const p of shape) {
    if (p === '') continue;
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else if (p === null && last === null) continue;
    else out.push(p);
  }
  return out;
}

function product(a: Shape[], b: Shape[]): Shape[] {
  const out: Shape[] = [];
  for (const x of a) for (const y of b) if (out.length < MAX_SHAPES) out.push(normalize([...x, ...y]));
  return out;
}

export class SourceTexts {
  private readonly modules = new Map<string, Module>();

  constructor(private readonly root: string) {}

  private module(path: string): Module {
    const known = this.modules.get(path);
    if (known) return known;
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
    const m: Module = { path, source, consts: new Map(), functions: new Map(), imports: new Map() };
    const seen = new Set<string>();
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        const name = node.name.text;
        const init = node.initializer;
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) m.functions.set(name, init);
        else if (seen.has(name)) m.consts.delete(name);
        else m.consts.set(name, init);
        seen.add(name);
      }
      if (ts.isFunctionDeclaration(node) && node.name) m.functions.set(node.name.text, node);
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.')) {
        const file = resolve(dirname(path), node.moduleSpecifier.text.replace(/\.js$/, '.ts'));
        const named = node.importClause?.namedBindings;
        if (named && ts.isNamedImports(named)) for (const el of named.elements) m.imports.set(el.name.text, { file, name: (el.propertyName ?? el.name).text });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    this.modules.set(path, m);
    return m;
  }

  /** Where a name used in module `m` is defined: the module and its const or function. */
  private lookup(m: Module, name: string): { m: Module; init?: ts.Expression; fn?: Module['functions'] extends Map<string, infer F> ? F : never } | undefined {
    const fn = m.functions.get(name);
    if (fn) return { m, fn };
    const init = m.consts.get(name);
    if (init) return { m, init };
    const imported = m.imports.get(name);
    if (imported && existsSync(imported.file)) {
      const other = this.module(imported.file);
      const ofn = other.functions.get(imported.name);
      if (ofn) return { m: other, fn: ofn };
      const oinit = other.consts.get(imported.name);
      if (oinit) return { m: other, init: oinit };
    }
    return undefined;
  }

  /** The shapes an expression's text can take. */
  shapes(m: Module, e: ts.Expression, depth = 0): Shape[] {
    if (depth > 12) return [[null]];
    const sub = (x: ts.Expression, mm = m) => this.shapes(mm, x, depth + 1);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [normalize([e.text])];
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) return sub(e.expression);
    if (ts.isTemplateExpression(e)) {
      let acc: Shape[] = [normalize([e.head.text])];
      for (const span of e.templateSpans) acc = product(product(acc, sub(span.expression)), [normalize([span.literal.text])]);
      return acc;
    }
    if (ts.isConditionalExpression(e)) return [...sub(e.whenTrue), ...sub(e.whenFalse)].slice(0, MAX_SHAPES);
    if (ts.isBinaryExpression(e)) {
      if (e.operatorToken.kind === ts.SyntaxKind.PlusToken) return product(sub(e.left), sub(e.right));
      if (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken) return [...sub(e.left), ...sub(e.right)].slice(0, MAX_SHAPES);
      return [[null]];
    }
    if (ts.isIdentifier(e)) {
      const found = this.lookup(m, e.text);
      if (found?.init) return this.shapes(found.m, found.init, depth + 1);
      return [[null]];
    }
    if (ts.isElementAccessExpression(e) && ts.isIdentifier(e.expression)) {
      // a table of texts: any of its values
      const found = this.lookup(m, e.expression.text);
      let table = found?.init;
      while (table && (ts.isAsExpression(table) || ts.isSatisfiesExpression(table) || ts.isParenthesizedExpression(table))) table = table.expression;
      if (found && table && ts.isObjectLiteralExpression(table)) {
        const values = table.properties.filter(ts.isPropertyAssignment).map((p) => p.initializer);
        return values.flatMap((v) => this.shapes(found.m, v, depth + 1)).slice(0, MAX_SHAPES);
      }
      return [[null]];
    }
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
      const found = this.lookup(m, e.expression.text);
      if (found?.fn?.body) {
        const returns = this.returns(found.fn.body);
        if (returns.length > 0) return returns.flatMap((r) => this.shapes(found.m, r, depth + 1)).slice(0, MAX_SHAPES);
      }
      return [[null]];
    }
    return [[null]];
  }

  private returns(body: ts.ConciseBody): ts.Expression[] {
    if (!ts.isBlock(body)) return [body];
    const out: ts.Expression[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
      if (ts.isFunctionLike(n)) return;
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(body, visit);
    return out;
  }

  /** Every message and hint site of one source file. */
  sites(path: string): TextSite[] {
    const m = this.module(path);
    const out: TextSite[] = [];
    const file = relative(this.root, path).replaceAll('\\', '/');
    const add = (node: ts.Node, kind: TextSite['kind'], e: ts.Expression) => {
      const shapes = this.shapes(m, e).filter((s) => s.length > 0);
      if (shapes.length > 0) out.push({ file, line: m.source.getLineAndCharacterOfPosition(node.getStart()).line + 1, kind, shapes });
    };
    const propName = (p: ts.ObjectLiteralElementLike) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'DfuFlashError' && node.arguments?.[1]) add(node, 'message', node.arguments[1]);
      if (ts.isObjectLiteralExpression(node)) {
        const names = node.properties.map(propName);
        const isWarning = node.properties.some((p) => propName(p) === 'type' && ts.isPropertyAssignment(p) && ts.isStringLiteral(p.initializer) && p.initializer.text === 'warning');
        for (const p of node.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const name = propName(p);
          if (name === 'hint') add(p, 'hint', p.initializer);
          if (name === 'message' && (isWarning || names.includes('hint'))) add(p, 'message', p.initializer);
        }
      }
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && /_HINT$/.test(node.name.text) && node.initializer) add(node, 'hint', node.initializer);
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const found = this.lookup(m, node.expression.text);
        found?.fn?.parameters.forEach((param, i) => {
          const arg = node.arguments[i];
          if (arg && ts.isIdentifier(param.name) && (param.name.text === 'message' || param.name.text === 'hint')) add(arg, param.name.text, arg);
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(m.source);
    return out;
  }
}

/** Every .ts file below `dir`. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The written text of a shape, with `…` for each hole. */
export function shapeText(shape: Shape): string {
  return shape.map((p) => (p === null ? '…' : p)).join('');
}
