/**
 * Clusters from links (pure, deterministic): links are taken strongest first and joined with union-find;
 * a link that would put two records a `split` keeps apart into one cluster is skipped (so a manual split
 * holds whatever the automatic links say, and the weakest links give way). Each cluster is labelled by its
 * member with the smallest `key` (default: the id itself), so labels do not depend on link order.
 */
export interface ClusterLink {
  a: string;
  b: string;
  /** Higher is stronger: manual merges first, then deterministic links, then probabilistic ones. */
  strength: number;
}

export interface ClusterResult {
  labels: Map<string, string>;
  /** Links skipped because they would join records a split keeps apart. */
  skipped: ClusterLink[];
}

export function clusterLinks(
  nodes: Iterable<string>,
  links: readonly ClusterLink[],
  options: { splits?: ReadonlyArray<readonly [string, string]>; key?: (id: string) => string } = {},
): ClusterResult {
  const key = options.key ?? ((id: string) => id);
  const parent = new Map<string, string>();
  const members = new Map<string, string[]>();
  const apart = new Map<string, Set<string>>();
  const add = (x: string) => {
    if (parent.has(x)) return;
    parent.set(x, x);
    members.set(x, [x]);
  };
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = x;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  for (const n of nodes) add(n);
  for (const [a, b] of options.splits ?? []) {
    add(a);
    add(b);
    if (!apart.has(a)) apart.set(a, new Set());
    if (!apart.has(b)) apart.set(b, new Set());
    apart.get(a)!.add(b);
    apart.get(b)!.add(a);
  }
  const order = [...links].sort(
    (x, y) =>
      y.strength - x.strength || (x.a < y.a ? -1 : x.a > y.a ? 1 : 0) || (x.b < y.b ? -1 : x.b > y.b ? 1 : 0),
  );
  const skipped: ClusterLink[] = [];
  for (const link of order) {
    add(link.a);
    add(link.b);
    let ra = find(link.a);
    let rb = find(link.b);
    if (ra === rb) continue;
    let ma = members.get(ra)!;
    let mb = members.get(rb)!;
    if (ma.length > mb.length) {
      [ra, rb] = [rb, ra];
      [ma, mb] = [mb, ma];
    }
    // would this join two records a split keeps apart?
    let blocked = false;
    for (const x of ma) {
      const other = apart.get(x);
      if (!other) continue;
      for (const y of other)
        if (find(y) === rb) {
          blocked = true;
          break;
        }
      if (blocked) break;
    }
    if (blocked) {
      skipped.push(link);
      continue;
    }
    parent.set(ra, rb);
    for (const x of ma) mb.push(x);
    members.delete(ra);
  }
  const labels = new Map<string, string>();
  for (const [root, ms] of members) {
    let best = root;
    let bestKey = key(root);
    for (const x of ms) {
      const k = key(x);
      if (k < bestKey || (k === bestKey && x < best)) {
        best = x;
        bestKey = k;
      }
    }
    for (const x of ms) labels.set(x, best);
  }
  return { labels, skipped };
}
