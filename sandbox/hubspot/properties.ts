import { jsonResponse, type TRoute } from "../core";
import { hubspotError, validationError } from "./errors";
import type { TPortal } from "./portal";
import { ZPropertyCreate } from "./property-registry";
import { parseBody, requireObjectType } from "./request-parsing";

/** Properties API (v3): list, read and create per object type. */
export function createPropertyRoutes(portal: TPortal): TRoute[] {
  return [
    {
      method: "GET",
      path: "/crm/v3/properties/:objectType",
      handler: (req) => jsonResponse(200, { results: portal.registry.list(requireObjectType(req)) }),
    },
    {
      method: "GET",
      path: "/crm/v3/properties/:objectType/:propertyName",
      handler: (req) => {
        const t = requireObjectType(req);
        const name = req.params.propertyName!;
        const p = portal.registry.get(t, name);
        return p
          ? jsonResponse(200, p)
          : hubspotError(404, "OBJECT_NOT_FOUND", `Unable to find property ${name} for object type ${t}`, {
              context: { propertyName: [name] },
            });
      },
    },
    {
      method: "POST",
      path: "/crm/v3/properties/:objectType",
      handler: (req) => {
        const t = requireObjectType(req);
        const input = parseBody(req, ZPropertyCreate);
        if (input.type === "enumeration" && (input.options ?? []).length === 0) {
          return validationError(`Property ${input.name} of type enumeration must have options`);
        }
        if (input.type === "bool" && input.fieldType !== "booleancheckbox") {
          return validationError(`Property ${input.name} of type bool must use fieldType booleancheckbox`);
        }
        const created = portal.registry.create(t, input);
        if (!created) {
          return hubspotError(
            409,
            "OBJECT_ALREADY_EXISTS",
            `Property named '${input.name}' already exists.`,
            {
              subCategory: "PropertyValidationError.PROPERTY_EXISTS",
              context: { propertyName: [input.name] },
            },
          );
        }
        return jsonResponse(201, created);
      },
    },
  ];
}
