import "server-only";
import type { CountryCode } from "libphonenumber-js";
import { env } from "@/lib/env";

/** Country for phone numbers written without a +country code (IMPORT_DEFAULT_COUNTRY, default CN). */
export function defaultPhoneCountry(): CountryCode {
  return env().IMPORT_DEFAULT_COUNTRY as CountryCode;
}
