import { DOMParser, type Element as XmlElement, type Node as XmlNode } from '@xmldom/xmldom';

/**
 * Why an SVG is unsafe to keep, or null when it is safe. An SVG image on a board is drawn by browsers through
 * <img>/canvas (where scripts never run), but the same bytes can be downloaded or opened directly, so an SVG
 * carrying script, event handlers, foreignObject or external references is refused outright.
 */
export function svgHazard(svgText: string): string | null {
  let root: XmlElement | null;
  try {
    root = new DOMParser({ onError: () => undefined }).parseFromString(svgText, 'image/svg+xml').documentElement;
  } catch {
    return 'it is not well-formed SVG';
  }
  if (!root || root.localName !== 'svg') return 'it is not an SVG document';
  const stack: XmlNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType !== 1) continue;
    const element = node as XmlElement;
    const name = (element.localName ?? element.nodeName).toLowerCase();
    if (name === 'script') return 'it contains a script';
    if (name === 'foreignobject') return 'it contains foreignObject (embedded HTML)';
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i)!;
      const attrName = attribute.localName?.toLowerCase() ?? attribute.name.toLowerCase();
      const value = attribute.value.trim().toLowerCase();
      if (attrName.startsWith('on')) return `it has an event handler (${attribute.name})`;
      if ((attrName === 'href' || attrName === 'src') && value && !value.startsWith('#') && !value.startsWith('data:image/')) {
        return `it references ${value.startsWith('javascript:') ? 'a javascript: URL' : 'an external resource'}`;
      }
      if (attrName === 'style' && /url\(\s*['"]?(?!#|data:image\/)/.test(value)) return 'its style loads an external resource';
    }
    for (let child = element.firstChild; child; child = child.nextSibling) stack.push(child);
  }
  return null;
}
