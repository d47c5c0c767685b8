/**
 * The repository's lists (domain/pages.ts): pages of set names and pages of one set's keys, read by
 * keyset (a range of the index from the cursor on, LIMIT n + 1), never by OFFSET, so that a page
 * costs the same at 100 sets as at 100,000 and concurrent writes never shift a later page.
 *
 * - Sets: GROUP BY set over json_web_key, which the (set, state, createdAt, seq) index serves in
 *   name order, so the database stops after n + 1 groups. A set exists while it has a key; its
 *   summary (key count, last change) comes from its rows, no key is opened.
 * - Keys: the set's order (state ASC, createdAt DESC, seq DESC), the same index; only the page's
 *   rows are read and opened.
 * - Prefix filter: on SQLite a range [prefix, successor) of the binary order (SQLite's LIKE ignores
 *   ASCII case); on Postgres LIKE 'prefix%' (escaped), exact under any collation.
 * - Counts (totalCount) scan the index: they cost in proportion to the store, which is why the
 *   GraphQL connections compute them only when selected.
 */
import type { KeyState } from "../../domain/lifecycle.js";
import type { KeyPageQuery, KeyPosition, SetPageQuery, SetSummary } from "../../domain/pages.js";
import type { Db } from "../db/database.js";

/** The set's order (domain/lifecycle.ts). */
const SET_ORDER = [{ state: "asc" }, { createdAt: "desc" }, { seq: "desc" }] as const;

export class KeyListing {
  constructor(
    private readonly db: Db,
    private readonly postgres: boolean,
  ) {}

  async sets(query: SetPageQuery): Promise<{ sets: SetSummary[]; more: boolean }> {
    const forward = query.direction === "forward";
    const names = [
      ...this.prefixFilter(query.nameStartsWith),
      ...(query.from === undefined ? [] : [{ set: forward ? { gt: query.from } : { lt: query.from } }]),
    ];
    const groups = await this.db.jsonWebKey.groupBy({
      by: ["set"],
      where: { AND: names, ...(query.state ? { state: query.state } : {}) },
      orderBy: { set: forward ? "asc" : "desc" },
      take: query.limit + 1,
      _count: { _all: true },
      _max: { createdAt: true, activatedAt: true, retiredAt: true, revokedAt: true },
    });
    const more = groups.length > query.limit;
    let page: SetGroup[] = groups.slice(0, query.limit);
    if (!forward) page.reverse();
    if (query.state && page.length > 0) {
      // The state filter chose the sets; their summaries count every key.
      const whole = await this.db.jsonWebKey.groupBy({
        by: ["set"],
        where: { set: { in: page.map((group) => group.set) } },
        orderBy: { set: "asc" },
        _count: { _all: true },
        _max: { createdAt: true, activatedAt: true, retiredAt: true, revokedAt: true },
      });
      page = whole;
    }
    return { sets: page.map(summaryOf), more };
  }

  async countSets(query: Pick<SetPageQuery, "nameStartsWith" | "state">): Promise<number> {
    const conditions: string[] = [];
    const args: unknown[] = [];
    const arg = (value: unknown) => {
      args.push(value);
      return this.postgres ? `$${args.length}` : "?";
    };
    if (query.nameStartsWith !== undefined && query.nameStartsWith !== "") {
      if (this.postgres) conditions.push(`"set" LIKE ${arg(likePrefix(query.nameStartsWith))}`);
      else {
        conditions.push(`"set" >= ${arg(query.nameStartsWith)}`);
        const end = successor(query.nameStartsWith);
        if (end !== undefined) conditions.push(`"set" < ${arg(end)}`);
      }
    }
    if (query.state) conditions.push(`"state" = ${arg(query.state)}`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    // Values are bound, never spliced: the text holds only placeholders.
    const rows = await this.db.$queryRawUnsafe<{ n: number | bigint }[]>(
      `SELECT COUNT(DISTINCT "set") AS n FROM json_web_key ${where}`,
      ...args,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async keys(
    set: string,
    query: KeyPageQuery,
  ): Promise<{ rows: (ListedRow & { seq: number })[]; more: boolean; signingKid?: string }> {
    const after = query.after;
    const rows = await this.db.jsonWebKey.findMany({
      where: { set, ...(query.state ? { state: query.state } : {}), ...(after ? { OR: following(after) } : {}) },
      orderBy: [...SET_ORDER],
      take: query.limit + 1,
      select: LISTED,
    });
    // The signing key is the set's first ACTIVE key, wherever the page is.
    const signer = await this.db.jsonWebKey.findFirst({
      where: { set, state: "ACTIVE" },
      orderBy: [...SET_ORDER],
      select: { kid: true },
    });
    return { rows: rows.slice(0, query.limit), more: rows.length > query.limit, signingKid: signer?.kid };
  }

  countKeys(set: string, state?: KeyState): Promise<number> {
    return this.db.jsonWebKey.count({ where: { set, ...(state ? { state } : {}) } });
  }

  private prefixFilter(prefix: string | undefined) {
    if (prefix === undefined || prefix === "") return [];
    // Prisma hands startsWith to LIKE as is: LIKE's own characters are escaped here (test/api/lists.test.ts).
    if (this.postgres) return [{ set: { startsWith: likeEscaped(prefix) } }];
    const end = successor(prefix);
    return [{ set: { gte: prefix } }, ...(end === undefined ? [] : [{ set: { lt: end } }])];
  }
}

const LISTED = {
  seq: true,
  set: true,
  kid: true,
  format: true,
  data: true,
  kekId: true,
  state: true,
  createdAt: true,
  activatedAt: true,
  retiredAt: true,
  publishedUntil: true,
  revokedAt: true,
} as const;

export interface ListedRow {
  set: string;
  kid: string;
  format: string;
  data: string;
  kekId: string | null;
  state: string;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
  publishedUntil: Date | null;
  revokedAt: Date | null;
}

/** The rows after `position` in the set's order. */
function following(position: KeyPosition) {
  return [
    { state: { gt: position.state } },
    { state: position.state, createdAt: { lt: position.createdAt } },
    { state: position.state, createdAt: position.createdAt, seq: { lt: position.seq } },
  ];
}

/**
 * The smallest string greater than every string starting with `prefix`, in code point order (which
 * is SQLite's binary order of UTF-8): the prefix with its last code point incremented.
 */
export function successor(prefix: string): string | undefined {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return undefined;
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return points.join("") + String.fromCodePoint(next);
}

/** `prefix%` for LIKE. */
function likePrefix(prefix: string): string {
  return `${likeEscaped(prefix)}%`;
}

/** `text` with LIKE's own characters escaped (Postgres escapes with a backslash). */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

interface SetGroup {
  set: string;
  _count: { _all: number };
  _max: { createdAt: Date | null; activatedAt: Date | null; retiredAt: Date | null; revokedAt: Date | null };
}

function summaryOf(group: SetGroup): SetSummary {
  const { createdAt, activatedAt, retiredAt, revokedAt } = group._max;
  return {
    set: group.set,
    keyCount: group._count._all,
    updatedAt: latest([createdAt, activatedAt, retiredAt, revokedAt]),
  };
}

function latest(dates: readonly (Date | null)[]): Date {
  let result = new Date(0);
  for (const date of dates) if (date && date > result) result = date;
  return result;
}
