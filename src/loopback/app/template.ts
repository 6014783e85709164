import { readFileSync } from 'fs';

/** A compiled template: renders with the given locals. */
export type TemplateFunction = (locals?: Record<string, unknown>) => string;

interface Ejs {
  compile(text: string, options: { filename: string }): TemplateFunction;
}

// ejs ships no type declarations: its one function used here is typed above. Loaded with the first
// template, not by `require('loopline')`.
let ejs: Ejs | undefined;

const sources = new Map<string, string>();

/**
 * LB3's `loopback.template(file)`: the ejs template in `file`, compiled. The file is read once
 * per path and kept (as LB3), so an app renders a template per request without reading the disk;
 * `<%- include('x') %>` resolves beside the file. Templates are code: give paths of the app's own
 * files, never a path or text a client sent.
 */
export function template(file: string): TemplateFunction {
  let text = sources.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    sources.set(file, text);
  }
  ejs ??= require('ejs') as Ejs;
  return ejs.compile(text, { filename: file });
}
