/**
 * The code's shape (issue 9), from the TypeScript AST of the non-test sources: per package its
 * lines, largest file, largest function-like node and the names its `src/index.ts` exports; then
 * what apps/cli's lines are (option tables, help text, imports, comments, the rest).
 *
 * Prints, asserts nothing. Usage: node --conditions=@treesynth/source --import tsx benchmarks/architecture/shape.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const isSource = (path: string) =>
  path.endsWith('.ts') && !/\.test\.ts$|\.fixture\.ts$/.test(path) && !path.includes('/test/');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : isSource(path) ? [path] : [];
  });
const parse = (file: string) =>
  ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

console.log('| package | lines | largest file | largest function | exports |\n|---|---|---|---|---|');
const packages = readdirSync(join(ROOT, 'packages')).map((name) => join('packages', name));
for (const dir of [...packages, 'apps/cli']) {
  const src = join(ROOT, dir, 'src');
  let lines = 0;
  let file: [string, number] = ['', 0];
  let fn: [string, number] = ['', 0];
  for (const path of sources(src)) {
    const tree = parse(path);
    const count = lineCount(tree.text);
    lines += count;
    if (count > file[1]) file = [relative(src, path), count];
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const span =
          tree.getLineAndCharacterOfPosition(node.getEnd()).line -
          tree.getLineAndCharacterOfPosition(node.getStart()).line +
          1;
        const named = (node as { name?: ts.Node }).name?.getText();
        const owner = ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)';
        if (span > fn[1]) fn = [named ?? owner, span];
      }
      ts.forEachChild(node, visit);
    };
    visit(tree);
  }
  let exports = 0;
  for (const statement of dir === 'apps/cli' ? [] : parse(join(src, 'index.ts')).statements)
    if (ts.isExportDeclaration(statement))
      exports +=
        statement.exportClause && ts.isNamedExports(statement.exportClause)
          ? statement.exportClause.elements.length
          : 1;
  const name = dir.replace('packages/', '');
  console.log(`| ${name} | ${lines} | ${file[0]} (${file[1]}) | ${fn[0]} (${fn[1]}) | ${exports || '-'} |`);
}

// apps/cli by kind of line: the first kind a line belongs to wins.
const parts = { options: 0, help: 0, imports: 0, comments: 0, rest: 0 };
const cli = join(ROOT, 'apps/cli/src');
for (const path of readdirSync(cli).flatMap((name) =>
  name === 'commands' ? readdirSync(join(cli, name)).map((file) => join(cli, name, file)) : [join(cli, name)],
)) {
  if (!isSource(path)) continue;
  const tree = parse(path);
  const kinds: (keyof typeof parts)[] = new Array(lineCount(tree.text)).fill('rest');
  const mark = (node: ts.Node, kind: keyof typeof parts) => {
    const from = tree.getLineAndCharacterOfPosition(node.getStart()).line;
    const to = tree.getLineAndCharacterOfPosition(node.getEnd()).line;
    for (let line = from; line <= to; line++) if (kinds[line] === 'rest') kinds[line] = kind;
  };
  const visit = (node: ts.Node): void => {
    const property = ts.isPropertyAssignment(node) ? node.name.getText() : '';
    if (['notes', 'examples', 'summary', 'usage'].includes(property)) mark(node, 'help');
    else if (
      property === 'options' ||
      (ts.isVariableDeclaration(node) && /OPTIONS$/.test(node.name.getText()))
    )
      mark(node, 'options');
    else if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) mark(node, 'imports');
    ts.forEachChild(node, visit);
  };
  visit(tree);
  tree.text.split('\n').forEach((text, line) => {
    if (kinds[line] === 'rest' && /^\s*(\/\/|\/\*\*|\*)/.test(text)) kinds[line] = 'comments';
  });
  for (const kind of kinds) parts[kind]++;
}
const total = Object.values(parts).reduce((sum, count) => sum + count, 0);
console.log(`\napps/cli, ${total} non-test lines:`, parts);
