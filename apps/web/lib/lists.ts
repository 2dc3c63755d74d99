/**
 * A cached list with `item` added, or put in place of the element with its id, in the order of
 * `name`: what a list shows at once after an add, before the server's own list comes back.
 */
export function withItem<T extends { id: number }>(
  list: T[] | undefined,
  item: T,
  name: (element: T) => string,
): T[] | undefined {
  if (!list) return list;
  return [...list.filter((element) => element.id !== item.id), item].sort((a, b) =>
    name(a).localeCompare(name(b)),
  );
}
