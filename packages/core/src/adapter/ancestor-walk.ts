/**
 * The most parents a walk up a framework's span or run tree follows. Frameworks hand over parent
 * ids we cannot vouch for: a cycle, or a chain deeper than any real one, ends the walk here.
 */
export const MAX_ANCESTOR_HOPS = 1000;

/**
 * Walks up from `start`: `visit(id)` for it and each ancestor (`parentOf(id)`) until `visit`
 * returns a value (returned), the chain ends (`parentOf` gives null or undefined), or
 * `MAX_ANCESTOR_HOPS` ids were visited (undefined).
 */
export function findAncestor<Id, T>(
  start: Id | null | undefined,
  parentOf: (id: Id) => Id | null | undefined,
  visit: (id: Id) => T | undefined,
): T | undefined {
  let id = start;
  for (let hops = 0; id !== null && id !== undefined && hops < MAX_ANCESTOR_HOPS; hops++) {
    const found = visit(id);
    if (found !== undefined) return found;
    id = parentOf(id);
  }
  return undefined;
}
