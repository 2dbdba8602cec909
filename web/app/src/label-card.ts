/**
 * The label card: a dialog about one label, opened from the legend's "about" buttons, a click on
 * a cell of the plot or the proportions table. It says what the type is when an encyclopedia
 * describes it (parent type, Cell Ontology term linked to the EBI ontology browser, curated
 * markers, tissues, source studies linked to PubMed) and how it shows in this file (cells, share,
 * mean confidence); every gene is one click from colouring the plot by it, and the markers one
 * click from a dotplot of them all. Links only: nothing is fetched. Esc or Close returns focus to
 * where the card was opened from.
 */
import type { LabelCard } from '../../engine/encyclopedia/card.ts';
import { el } from './panel-dom.ts';
import './biology.css';

export interface CardActions {
  /** Colours the plot by a gene. */
  colourByGene(gene: string): void;
  /** A dotplot of these genes (the Markers panel). */
  dotplot(genes: string[]): void;
  /** Opens the card of another label (a parent or a child type). */
  open(label: string): void;
}

let dialog: HTMLDialogElement | null = null;
let returnTo: HTMLElement | null = null;

function ensureDialog(): HTMLDialogElement {
  if (dialog) return dialog;
  dialog = el('dialog', { id: 'label-card', className: 'label-card' });
  dialog.setAttribute('aria-labelledby', 'label-card-title');
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      closeLabelCard();
    }
  });
  document.body.append(dialog);
  return dialog;
}

export function closeLabelCard(): void {
  if (!dialog?.open) return;
  dialog.close();
  returnTo?.focus();
  returnTo = null;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function section(title: string, ...content: (Node | string)[]): HTMLElement {
  const s = el('section');
  s.append(el('h3', { textContent: title }), ...content);
  return s;
}

function geneButtons(genes: string[], actions: CardActions, kind: string): HTMLElement {
  const box = el('div', { className: 'card-genes' });
  for (const g of genes) {
    const b = el('button', { type: 'button', textContent: g, title: `colour the plot by ${g}` });
    b.dataset.gene = g;
    b.setAttribute('aria-label', `colour the plot by ${g} (${kind})`);
    b.addEventListener('click', () => actions.colourByGene(g));
    box.append(b);
  }
  return box;
}

function link(href: string, text: string): HTMLAnchorElement {
  return el('a', { href, textContent: text, target: '_blank', rel: 'noopener noreferrer' });
}

/** Shows the card (replacing an open one); `from` gets the focus back when it closes. */
export function showLabelCard(card: LabelCard, actions: CardActions, from?: HTMLElement | null): HTMLDialogElement {
  const d = ensureDialog();
  if (from) returnTo = from;
  d.innerHTML = '';
  d.dataset.label = card.label;
  const head = el('div', { className: 'card-head' });
  head.append(el('h2', { id: 'label-card-title', textContent: card.label }));
  const close = el('button', { type: 'button', className: 'card-close', textContent: 'Close' });
  close.addEventListener('click', closeLabelCard);
  head.append(close);
  d.append(head);

  const facts = el('dl', { className: 'card-facts' });
  const fact = (term: string, ...value: (Node | string)[]) => {
    const dd = el('dd');
    dd.append(...value);
    facts.append(el('dt', { textContent: term }), dd);
  };
  if (card.parent) {
    const b = el('button', { type: 'button', className: 'card-link', textContent: card.parent, title: `about ${card.parent}` });
    b.addEventListener('click', () => actions.open(card.parent!));
    fact('Parent type', b);
  }
  if (card.cell_ontology_id) fact('Cell Ontology', link(card.ontology_url, card.cell_ontology_id));
  if (card.cells !== undefined) {
    fact('In this file', `${fmt(card.cells)} cells (${((card.share ?? 0) * 100).toFixed(1)}%), mean confidence ${(card.mean_confidence ?? 0).toFixed(3)}`);
  }
  d.append(facts);

  if (card.children.length) {
    const list = el('div', { className: 'card-genes' });
    for (const c of card.children) {
      const b = el('button', { type: 'button', className: 'card-link', textContent: c, title: `about ${c}` });
      b.addEventListener('click', () => actions.open(c));
      list.append(b);
    }
    d.append(section(`Types under ${card.label}`, list));
  }
  if (card.markers.length) {
    const all = el('button', { type: 'button', id: 'card-dotplot', textContent: `Dotplot of these ${card.markers.length} markers` });
    all.addEventListener('click', () => actions.dotplot(card.markers));
    const markers = geneButtons(card.markers, actions, 'curated marker');
    markers.id = 'card-markers';
    d.append(section('Curated markers', markers, all));
  }
  if (card.model_genes?.length) d.append(section("The model's top genes", geneButtons(card.model_genes, actions, "model's top gene")));
  if (card.tissues.length) d.append(section('Seen in', el('p', { textContent: card.tissues.join(', ') })));
  if (card.studies.length) {
    const ul = el('ul', { className: 'card-studies' });
    for (const s of card.studies) {
      const li = el('li');
      li.append(s.url ? link(s.url, s.name) : s.name);
      if (s.url) li.append(` (PubMed ${s.pubmed_id})`);
      ul.append(li);
    }
    d.append(section('Source studies', ul));
  }
  d.append(
    el('p', {
      className: 'card-source',
      textContent: card.described
        ? `Facts from the ${card.source}.`
        : 'No cell-type encyclopedia describes this label: only its figures in this file are shown.',
    }),
  );
  if (!d.open) d.show();
  (d.querySelector('h2') as HTMLElement).tabIndex = -1;
  (d.querySelector('h2') as HTMLElement).focus();
  return d;
}
