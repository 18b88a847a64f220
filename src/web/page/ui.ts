/** The page's elements, found once by id; a missing one is a broken page, said at once. */
export interface Ui {
  title: HTMLElement;
  unsupported: HTMLElement;
  deviceSection: HTMLElement;
  firmwareSection: HTMLElement;
  optionsSection: HTMLElement;
  connect: HTMLButtonElement;
  deviceChoice: HTMLSelectElement;
  deviceChoiceLabel: HTMLElement;
  device: HTMLElement;
  alt: HTMLSelectElement;
  drop: HTMLElement;
  file: HTMLInputElement;
  firmwareInfo: HTMLElement;
  address: HTMLInputElement;
  addressHint: HTMLElement;
  verify: HTMLInputElement;
  leave: HTMLInputElement;
  skip: HTMLInputElement;
  flash: HTMLButtonElement;
  permission: HTMLButtonElement;
  cancel: HTMLButtonElement;
  progress: HTMLElement;
  status: HTMLElement;
  result: HTMLElement;
}

function find<T extends HTMLElement>(doc: Document, id: string): T {
  const el = doc.getElementById(id);
  if (el === null) throw new Error(`the page has no element #${id}`);
  return el as T;
}

export function bindUi(doc: Document): Ui {
  return {
    title: find(doc, 'title'),
    unsupported: find(doc, 'unsupported'),
    deviceSection: find(doc, 'device-section'),
    firmwareSection: find(doc, 'firmware-section'),
    optionsSection: find(doc, 'options-section'),
    connect: find(doc, 'connect'),
    deviceChoice: find(doc, 'device-choice'),
    deviceChoiceLabel: find(doc, 'device-choice-label'),
    device: find(doc, 'device'),
    alt: find(doc, 'alt'),
    drop: find(doc, 'drop'),
    file: find(doc, 'file'),
    firmwareInfo: find(doc, 'firmware-info'),
    address: find(doc, 'address'),
    addressHint: find(doc, 'address-hint'),
    verify: find(doc, 'verify'),
    leave: find(doc, 'leave'),
    skip: find(doc, 'skip'),
    flash: find(doc, 'flash'),
    permission: find(doc, 'permission'),
    cancel: find(doc, 'cancel'),
    progress: find(doc, 'progress'),
    status: find(doc, 'status'),
    result: find(doc, 'result'),
  };
}

/** `el('dt', {}, 'Serial')`: an element with attributes and text or child nodes. */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}
