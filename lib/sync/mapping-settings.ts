import "server-only";
import { readSetting } from "@/lib/settings/app-settings";
import { DEFAULT_MAPPING, ZMapping, type TMapping } from "@/lib/sync/mapping";

/** AppSetting key of the field mapping; the console shows (and may edit) it. */
export const MAPPING_SETTING_KEY = "sync.mapping";

const CACHE_MS = 2000;
let cached: { at: number; value: TMapping } | undefined;

/**
 * The mapping in force: the saved `sync.mapping` when it parses, else DEFAULT_MAPPING. Cached for
 * two seconds per process so a batch of 100 records reads it once; an edit applies within seconds.
 */
export async function readMapping(): Promise<TMapping> {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
  const value = await readSetting(MAPPING_SETTING_KEY, ZMapping, DEFAULT_MAPPING);
  cached = { at: Date.now(), value };
  return value;
}

export function resetMappingCacheForTests(): void {
  cached = undefined;
}
