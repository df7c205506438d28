/**
 * Automatic column mapping: header → HubSpot property (or an association reference), by exact
 * name, normalised name/label, English and Chinese synonyms, then fuzzy similarity, each with a
 * confidence the console shows. Each target is used once, by the column that matches it best.
 */
import {
  REFERENCE_TARGETS,
  type TColumnMapping,
  type TImportObject,
  type TPropertyDef,
} from "@/lib/imports/types";

/** Normalised form: lower case, no spaces, punctuation or underscores (`E-mail Address` → `emailaddress`). */
export function normaliseHeader(h: string): string {
  return h
    .toLowerCase()
    .normalize("NFKC")
    .replace(/[\s_\-./()（）:：'"`#*]+/g, "");
}

const SYN: Record<TImportObject, Record<string, string[]>> = {
  contacts: {
    email: ["email", "e-mail", "email address", "mail", "邮箱", "电子邮件", "电子邮箱", "邮箱地址", "邮件"],
    firstname: ["first name", "firstname", "given name", "forename", "名", "名字"],
    lastname: ["last name", "lastname", "surname", "family name", "姓", "姓氏"],
    phone: ["phone", "telephone", "tel", "phone number", "电话", "联系电话", "电话号码", "座机"],
    mobilephone: ["mobile", "mobile phone", "cell", "cellphone", "手机", "手机号", "手机号码"],
    company: [
      "company",
      "company name",
      "organisation",
      "organization",
      "employer",
      "公司",
      "公司名称",
      "单位",
    ],
    jobtitle: ["title", "job title", "position", "role", "职位", "职务", "头衔"],
    city: ["city", "town", "城市"],
    country: ["country", "国家"],
    lifecyclestage: ["lifecycle stage", "stage", "生命周期阶段"],
    website: ["website", "url", "网站"],
    "@company_domain": ["company domain", "company website", "公司网址", "公司域名"],
  },
  companies: {
    name: [
      "name",
      "company",
      "company name",
      "organisation",
      "organization",
      "公司",
      "公司名称",
      "企业名称",
      "名称",
    ],
    domain: ["domain", "website", "url", "web", "company domain", "网站", "域名", "官网", "网址"],
    phone: ["phone", "telephone", "tel", "电话", "联系电话"],
    city: ["city", "城市"],
    country: ["country", "国家"],
    industry: ["industry", "sector", "行业"],
    numberofemployees: ["employees", "number of employees", "headcount", "员工数", "员工人数"],
  },
  tickets: {
    subject: ["subject", "title", "summary", "ticket name", "主题", "标题"],
    content: [
      "description",
      "body",
      "details",
      "content",
      "message",
      "notes",
      "描述",
      "内容",
      "详情",
      "问题描述",
    ],
    hs_ticket_priority: ["priority", "优先级"],
    hs_pipeline_stage: ["status", "stage", "ticket status", "状态"],
    hs_ticket_category: ["category", "type", "分类", "类别"],
    "@contact_email": [
      "contact email",
      "customer email",
      "requester",
      "requester email",
      "reporter email",
      "email",
      "客户邮箱",
      "联系人邮箱",
      "邮箱",
    ],
  },
};

/** Similarity in [0,1] from Levenshtein distance. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (!a || !b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return 1 - prev[b.length]! / Math.max(a.length, b.length);
}

interface TCandidate {
  header: string;
  target: string;
  confidence: number;
  method: TColumnMapping["method"];
}

/** Fallbacks, weaker than SYN: used when the better target does not exist in the portal. */
const FALLBACK: Partial<Record<TImportObject, Record<string, string[]>>> = {
  contacts: { phone: ["mobile", "mobile phone", "cell", "手机", "手机号", "手机号码"] },
};

function candidatesFor(header: string, object: TImportObject, props: TPropertyDef[]): TCandidate[] {
  const out: TCandidate[] = [];
  const n = normaliseHeader(header);
  const targets = [
    ...props.map((p) => ({ name: p.name, label: p.label })),
    ...REFERENCE_TARGETS[object].map((r) => ({ name: r, label: r })),
  ];
  for (const t of targets) {
    if (header === t.name) out.push({ header, target: t.name, confidence: 1, method: "exact" });
    else if (n === normaliseHeader(t.name) || n === normaliseHeader(t.label)) {
      out.push({ header, target: t.name, confidence: 0.95, method: "normalised" });
    }
  }
  for (const [target, words] of Object.entries(SYN[object])) {
    if (!targets.some((t) => t.name === target)) continue;
    if (words.some((w) => normaliseHeader(w) === n))
      out.push({ header, target, confidence: 0.9, method: "synonym" });
  }
  for (const [target, words] of Object.entries(FALLBACK[object] ?? {})) {
    if (!targets.some((t) => t.name === target)) continue;
    if (words.some((w) => normaliseHeader(w) === n))
      out.push({ header, target, confidence: 0.85, method: "synonym" });
  }
  if (out.length === 0 && n.length >= 3) {
    for (const t of targets) {
      const s = Math.max(similarity(n, normaliseHeader(t.name)), similarity(n, normaliseHeader(t.label)));
      if (s >= 0.75)
        out.push({ header, target: t.name, confidence: Math.round(s * 0.8 * 100) / 100, method: "fuzzy" });
    }
  }
  return out;
}

/** Proposes a mapping for every header; unmatched headers map to null (not imported). */
export function autoMap(headers: string[], object: TImportObject, props: TPropertyDef[]): TColumnMapping[] {
  const all = headers.flatMap((h) => candidatesFor(h, object, props));
  all.sort((a, b) => b.confidence - a.confidence || headers.indexOf(a.header) - headers.indexOf(b.header));
  const byHeader = new Map<string, TCandidate>();
  const usedTargets = new Set<string>();
  for (const c of all) {
    if (byHeader.has(c.header) || usedTargets.has(c.target)) continue;
    byHeader.set(c.header, c);
    usedTargets.add(c.target);
  }
  return headers.map((header) => {
    const c = byHeader.get(header);
    return c
      ? { header, target: c.target, confidence: c.confidence, method: c.method }
      : { header, target: null, confidence: 0, method: "none" };
  });
}

/** Applies a saved template (header → target) over an automatic mapping; template wins where it names a header. */
export function applyTemplate(
  mapping: TColumnMapping[],
  template: Record<string, string | null>,
): TColumnMapping[] {
  return mapping.map((m) =>
    m.header in template
      ? { header: m.header, target: template[m.header] ?? null, confidence: 1, method: "template" }
      : m,
  );
}
