/**
 * Fuzzing both provider webhooks through their route handlers: junk bodies and content types with
 * missing, junk, wrong-secret, expired, future and valid signatures (valid ones over junk bodies too).
 * Every answer is a 4xx with a reason — or, for a genuinely signed body, a 200 that stores nothing —
 * never a 5xx, and no table changes.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as hubspotPost } from "@/app/api/webhooks/hubspot/route";
import { POST as stripePost } from "@/app/api/webhooks/stripe/route";
import { HANDLED_HUBSPOT_EVENTS } from "@/lib/connectors/hubspot/webhook";
import { HANDLED_STRIPE_EVENTS } from "@/lib/connectors/stripe/webhook";
import { receiveStripeWebhook } from "@/lib/inbox/receive";
import { withFreshDatabase } from "@/test/db";
import { stubAppEnv } from "@/test/env";
import {
  contentType,
  headerText,
  junkBody,
  junkJsonValue,
  junkText,
  objectWithKeys,
} from "./support/arbitraries";
import { fuzzRequest, readAnswer, type TBody } from "./support/http";
import { fuzzNoChange, quietRefusalLogs } from "./support/property";
import { fuzzTimeout } from "./support/runs";
import { hubspotSignature, nowS, stripeSignature } from "./support/signers";

const database = withFreshDatabase();
const APP_URL = "https://revbridge.example";
const STRIPE_SECRET = "whsec_fuzz_secret";
const HUBSPOT_SECRET = "hubspot-fuzz-secret";
const STRIPE_URL = `${APP_URL}/api/webhooks/stripe`;
const HUBSPOT_URL = `${APP_URL}/api/webhooks/hubspot`;

beforeAll(async () => {
  quietRefusalLogs();
  stubAppEnv(database.url(), {
    APP_URL,
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
  });
  // One stored delivery, so the inbox is not empty while the fuzz runs.
  const payload = JSON.stringify({
    id: "evt_seed",
    object: "event",
    type: "customer.created",
    created: 1,
    data: { object: { id: "cus_seed" } },
  });
  await receiveStripeWebhook(
    fuzzRequest(STRIPE_URL, {
      body: payload,
      headers: { "stripe-signature": stripeSignature(payload, STRIPE_SECRET, nowS()) },
    }),
    () => Promise.resolve(),
  );
});

/** How a generated request is signed. */
const signing = fc.oneof(
  fc.constant({ kind: "none" as const }),
  headerText.map((value) => ({ kind: "junk" as const, value })),
  fc.constant({ kind: "wrong-secret" as const }),
  fc.integer({ min: 301, max: 10 * 365 * 86_400 }).map((skewS) => ({ kind: "past" as const, skewS })),
  fc.integer({ min: 301, max: 10 * 365 * 86_400 }).map((skewS) => ({ kind: "future" as const, skewS })),
  fc.constant({ kind: "valid" as const }),
);
type TSigning = typeof signing extends fc.Arbitrary<infer S> ? S : never;

function signed(
  s: TSigning,
  sign: (secret: string, skewS: number) => string,
  secret: string,
): string | undefined {
  switch (s.kind) {
    case "none":
      return undefined;
    case "junk":
      return s.value;
    case "wrong-secret":
      return sign(`${secret}-wrong`, 0);
    case "past":
      return sign(secret, -s.skewS);
    case "future":
      return sign(secret, s.skewS);
    case "valid":
      return sign(secret, 0);
  }
}

/** A signed request may be answered 200 only when it stored nothing (unhandled or empty). */
async function judge(res: Response, s: TSigning): Promise<void> {
  const answer = await readAnswer(res);
  if (s.kind !== "valid") {
    expect(answer.status, `unsigned input accepted: ${answer.message}`).toBeGreaterThanOrEqual(400);
    return;
  }
  if (answer.status < 400) expect(JSON.parse(answer.message)).toMatchObject({ accepted: 0 });
}

/** Stripe events of a handled type whose fields are junk (wrong types, NULs, missing ids). */
const nearStripeEvent = fc
  .record(
    {
      id: fc.oneof(
        junkJsonValue.filter((v) => typeof v !== "string"),
        fc.constantFrom("", "evt_\u0000", " "),
      ),
      object: fc.constant("event"),
      type: fc.constantFrom(...HANDLED_STRIPE_EVENTS),
      data: junkJsonValue,
      created: junkJsonValue,
    },
    { requiredKeys: ["type"] },
  )
  .map((e) => JSON.stringify(e));

const stripeBody: fc.Arbitrary<TBody> = fc.oneof(
  { weight: 3, arbitrary: junkBody(["id", "object", "type", "data", "created"]) },
  { weight: 1, arbitrary: nearStripeEvent },
);

describe("POST /api/webhooks/stripe under fuzz", () => {
  it(
    "refuses every malformed or badly signed delivery with a 4xx and changes nothing",
    () =>
      fuzzNoChange(fc.record({ body: stripeBody, type: contentType, signing }), async (input) => {
        const header = signed(
          input.signing,
          (secret, skewS) => stripeSignature(input.body, secret, nowS() + skewS),
          STRIPE_SECRET,
        );
        const res = await stripePost(
          fuzzRequest(STRIPE_URL, {
            body: input.body,
            headers: { "content-type": input.type, "stripe-signature": header },
          }),
        );
        await judge(res, input.signing);
      }),
    fuzzTimeout(),
  );
});

/** HubSpot batches whose events carry junk in every field (or are not objects at all). */
const nearHubspotBatch = fc
  .array(
    fc.oneof(
      objectWithKeys([
        "eventId",
        "occurredAt",
        "subscriptionType",
        "objectId",
        "propertyName",
        "propertyValue",
      ]),
      fc.record({
        eventId: junkJsonValue,
        occurredAt: junkJsonValue,
        objectId: junkJsonValue,
        subscriptionType: fc.oneof(fc.constantFrom(...HANDLED_HUBSPOT_EVENTS), junkText),
        propertyValue: junkJsonValue,
      }),
    ),
    { maxLength: 120 },
  )
  .map((batch) => JSON.stringify(batch));

const hubspotBody: fc.Arbitrary<TBody> = fc.oneof(
  { weight: 3, arbitrary: junkBody(["eventId", "occurredAt", "subscriptionType", "objectId"]) },
  { weight: 1, arbitrary: nearHubspotBatch },
);

describe("POST /api/webhooks/hubspot under fuzz", () => {
  it(
    "refuses every malformed or badly signed batch with a 4xx and changes nothing",
    () =>
      fuzzNoChange(
        fc.record({ body: hubspotBody, type: contentType, signing, junkTimestamp: fc.option(headerText) }),
        async (input) => {
          let timestamp = Date.now();
          const header = signed(
            input.signing,
            (secret, skewS) => {
              timestamp = Date.now() + skewS * 1000;
              return hubspotSignature(HUBSPOT_URL, input.body, secret, timestamp);
            },
            HUBSPOT_SECRET,
          );
          const res = await hubspotPost(
            fuzzRequest(HUBSPOT_URL, {
              body: input.body,
              headers: {
                "content-type": input.type,
                "x-hubspot-signature-v3": header,
                "x-hubspot-request-timestamp":
                  input.signing.kind === "junk" && input.junkTimestamp !== null
                    ? input.junkTimestamp
                    : String(timestamp),
              },
            }),
          );
          await judge(res, input.signing);
        },
      ),
    fuzzTimeout(),
  );
});
