/**
 * The legend's rows: types filtered by a search and sorted by count or name; and its parent
 * groups: the shown types under their parent types (Immune_All_High's 32 for Immune_All_Low's
 * 98), each group with its total, groups and types in the legend's order. Types without a parent
 * (Unassigned, another model's labels) form one group of their own.
 */
import { NO_PARENT } from '../../engine/encyclopedia/hierarchy.ts';

export interface LegendItem {
  name: string;
  count: number;
  color: [number, number, number];
}

export type LegendSort = 'count' | 'name';

/** Items matching the query (case-insensitive substring), in the asked order. */
export function legendRows(items: LegendItem[], query: string, sort: LegendSort): LegendItem[] {
  const q = query.trim().toLowerCase();
  const rows = q ? items.filter((it) => it.name.toLowerCase().includes(q)) : items.slice();
  if (sort === 'name') rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  else rows.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  return rows;
}

export interface LegendGroup {
  name: string;
  /** Cells of the group's types (all of them, also when a search shows only some). */
  count: number;
  /** The group's types matching the search, in the legend's order. */
  items: LegendItem[];
}

export function legendGroups(items: LegendItem[], parents: Map<string, string>, query: string, sort: LegendSort): LegendGroup[] {
  const byGroup = new Map<string, { count: number; all: LegendItem[] }>();
  for (const it of items) {
    const p = parents.get(it.name) ?? NO_PARENT;
    let g = byGroup.get(p);
    if (!g) byGroup.set(p, (g = { count: 0, all: [] }));
    g.count += it.count;
    g.all.push(it);
  }
  const groups: LegendGroup[] = [];
  for (const [name, g] of byGroup) {
    const shown = legendRows(g.all, query, sort);
    // A search matches a group's types or the group's own name (then all its types show).
    const items = query && !shown.length && name.toLowerCase().includes(query.trim().toLowerCase()) ? legendRows(g.all, '', sort) : shown;
    if (items.length || !query) groups.push({ name, count: g.count, items });
  }
  const last = (n: string) => (n === NO_PARENT ? 1 : 0);
  return groups.sort((a, b) => last(a.name) - last(b.name) || (sort === 'name' ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : b.count - a.count || (a.name < b.name ? -1 : 1)));
}
