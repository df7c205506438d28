import { jsonResponse, type TRoute } from "../core";
import { failWith, validationError } from "./errors";
import { OBJECT_TYPE_INFO } from "./object-types";
import type { TPortal } from "./portal";
import { parseBody, requireObjectType } from "./request-parsing";
import {
  ZSearchRequest,
  matchesFilterGroups,
  matchesQuery,
  normalizeSorts,
  sortRows,
  type TSearchRequest,
} from "./search-filters";
import { toApiObject } from "./serialize";

/** HubSpot's search limits (filter limits as raised in August 2024). */
export const SEARCH_LIMITS = {
  maxLimit: 200,
  defaultLimit: 10,
  maxResults: 10_000,
  maxGroups: 5,
  maxFiltersPerGroup: 10,
  maxFilters: 25,
} as const;

function checkLimits(body: TSearchRequest, offset: number, limit: number): void {
  const filters = body.filterGroups.reduce((n, g) => n + g.filters.length, 0);
  if (body.filterGroups.length > SEARCH_LIMITS.maxGroups) {
    failWith(
      validationError(
        `Too many filter groups: ${body.filterGroups.length}. The maximum is ${SEARCH_LIMITS.maxGroups}.`,
      ),
    );
  }
  if (body.filterGroups.some((g) => g.filters.length > SEARCH_LIMITS.maxFiltersPerGroup)) {
    failWith(
      validationError(
        `Too many filters in a filter group. The maximum is ${SEARCH_LIMITS.maxFiltersPerGroup}.`,
      ),
    );
  }
  if (filters > SEARCH_LIMITS.maxFilters) {
    failWith(validationError(`Too many filters: ${filters}. The maximum is ${SEARCH_LIMITS.maxFilters}.`));
  }
  if (limit < 1 || limit > SEARCH_LIMITS.maxLimit) {
    failWith(validationError(`limit must be between 1 and ${SEARCH_LIMITS.maxLimit}, got ${limit}`));
  }
  if (!Number.isInteger(offset) || offset < 0)
    failWith(validationError(`after must be a non-negative integer offset`));
  if (offset + limit > SEARCH_LIMITS.maxResults) {
    failWith(
      validationError(
        `Search results are limited to ${SEARCH_LIMITS.maxResults} per query; after (${offset}) plus limit (${limit}) is beyond that. Narrow the query instead of paging further.`,
      ),
    );
  }
}

export function createSearchRoutes(portal: TPortal): TRoute[] {
  return [
    {
      method: "POST",
      path: "/crm/v3/objects/:objectType/search",
      write: false,
      handler: (req) => {
        const t = requireObjectType(req);
        const body = parseBody(req, ZSearchRequest);
        const limit = body.limit ?? SEARCH_LIMITS.defaultLimit;
        const offset = body.after === undefined ? 0 : Number(body.after);
        checkLimits(body, offset, limit);
        const typeOf = (name: string) => portal.registry.get(t, name)?.type;
        for (const name of [
          ...body.filterGroups.flatMap((g) => g.filters.map((f) => f.propertyName)),
          ...normalizeSorts(body.sorts).map((s) => s.propertyName),
        ]) {
          if (!typeOf(name)) failWith(validationError(`Property "${name}" does not exist on ${t}`));
        }

        const rows = portal.store
          .searchable(t)
          .filter(({ properties }) => matchesFilterGroups(properties, body.filterGroups, typeOf))
          .filter(({ properties }) =>
            matchesQuery(properties, body.query, OBJECT_TYPE_INFO[t].queryProperties),
          )
          .map(({ record, properties }) => ({ id: record.id, record, properties }));
        const sorted = sortRows(rows, normalizeSorts(body.sorts), typeOf);
        const page = sorted.slice(offset, offset + limit);
        const next = offset + limit < sorted.length ? String(offset + limit) : undefined;
        return jsonResponse(200, {
          total: sorted.length,
          results: page.map((row) =>
            toApiObject(portal, row.record, { properties: body.properties }, row.properties),
          ),
          ...(next ? { paging: { next: { after: next } } } : {}),
        });
      },
    },
  ];
}
