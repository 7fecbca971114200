import { SaxesParser } from 'saxes';
import { ActivityFileError } from './errors.js';

export interface XmlElement {
  /** Local name, namespace prefix removed (gpxtpx:hr -> hr). */
  name: string;
  attributes: Readonly<Record<string, string>>;
}

export interface XmlVisitor {
  open?(element: XmlElement, ancestors: readonly string[]): void;
  /** `text` is the element's own character data, trimmed. */
  close?(element: XmlElement, text: string, ancestors: readonly string[]): void;
}

/** Decodes XML bytes: UTF-8 unless a UTF-16 byte order mark says otherwise. */
export function decodeXmlText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Streams through a document calling the visitor; returns the root element's local name.
 * A DOCTYPE is refused outright: GPX and TCX never need one, and refusing it rules out external
 * entities (XXE) and entity expansion (billion laughs) whatever the parser would do with it. saxes
 * itself never fetches anything and knows only the five predefined entities and character references.
 */
export function walkXml(text: string, visitor: XmlVisitor): string {
  const parser = new SaxesParser({ position: true }); // line:column in error messages
  const stack: { element: XmlElement; text: string }[] = [];
  const names: string[] = [];
  let root = '';
  parser.on('doctype', () => {
    throw new ActivityFileError('a DOCTYPE declaration is not accepted (no DTDs or entity definitions in activity files)');
  });
  parser.on('error', (error) => {
    throw new ActivityFileError(`not well-formed XML: ${error.message}`);
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const key in tag.attributes) attributes[localName(key)] = String(tag.attributes[key]);
    const element: XmlElement = { name: localName(tag.name), attributes };
    if (stack.length === 0) root = element.name;
    visitor.open?.(element, names);
    stack.push({ element, text: '' });
    names.push(element.name);
  });
  const addText = (chunk: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += chunk;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const closed = stack.pop();
    names.pop();
    if (closed) visitor.close?.(closed.element, closed.text.trim(), names);
  });
  parser.write(text).close();
  if (root === '') throw new ActivityFileError('not an XML document: no root element');
  return root;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** A finite number from element text, or null when absent or not a number. */
export function numberFromText(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Epoch ms from an ISO 8601 timestamp; a timestamp without a zone is taken as UTC. */
export function timeFromText(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed)) return null;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? trimmed : `${trimmed}Z`;
  const time = Date.parse(withZone);
  return Number.isFinite(time) ? time : null;
}
