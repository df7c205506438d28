/**
 * The cast: parents of prospective students, in Shanghai, Hong Kong and the UK. Person n of a seed is
 * always the same person (names, email, phone, OpenID, child), however many others were met before,
 * so the cast can grow for as long as the demo runs.
 */
import { createRandom, deriveSeed, type TRandom } from "./prng";

export type TRegion = "cn" | "hk" | "uk";

export interface TName {
  first: string;
  last: string;
}

export interface TPerson {
  /** Stable key within a run: `p001`, `p002`, … */
  key: string;
  index: number;
  region: TRegion;
  /** The names a person goes by: pinyin/romanised, Chinese characters, English name (first is the default). */
  names: TName[];
  /** How the console and logs show the person, e.g. `王芳 Grace Wang`. */
  displayName: string;
  email: string;
  /** A second address (work, or an old one): the one some people pay with in Stripe. */
  otherEmail: string;
  /** E.164, e.g. +8613812345678; people type it in other formats too (see `formatPhone`). */
  phone: string;
  /** Whether the person uses WeChat at all (most UK parents do not). */
  usesWechat: boolean;
  openid: string;
  child: { first: string; last: string; chinese: string | null; grade: string; birthDate: string };
}

type TSurname = { hanzi: string; pinyin: string; hk: string };

const SURNAMES: TSurname[] = [
  { hanzi: "王", pinyin: "Wang", hk: "Wong" },
  { hanzi: "李", pinyin: "Li", hk: "Lee" },
  { hanzi: "张", pinyin: "Zhang", hk: "Cheung" },
  { hanzi: "刘", pinyin: "Liu", hk: "Lau" },
  { hanzi: "陈", pinyin: "Chen", hk: "Chan" },
  { hanzi: "杨", pinyin: "Yang", hk: "Yeung" },
  { hanzi: "黄", pinyin: "Huang", hk: "Wong" },
  { hanzi: "周", pinyin: "Zhou", hk: "Chow" },
  { hanzi: "吴", pinyin: "Wu", hk: "Ng" },
  { hanzi: "林", pinyin: "Lin", hk: "Lam" },
  { hanzi: "何", pinyin: "He", hk: "Ho" },
  { hanzi: "梁", pinyin: "Liang", hk: "Leung" },
  { hanzi: "郑", pinyin: "Zheng", hk: "Cheng" },
  { hanzi: "谢", pinyin: "Xie", hk: "Tse" },
  { hanzi: "徐", pinyin: "Xu", hk: "Tsui" },
  { hanzi: "孙", pinyin: "Sun", hk: "Suen" },
];

const GIVEN: { hanzi: string; pinyin: string }[] = [
  { hanzi: "伟", pinyin: "Wei" },
  { hanzi: "芳", pinyin: "Fang" },
  { hanzi: "静", pinyin: "Jing" },
  { hanzi: "敏", pinyin: "Min" },
  { hanzi: "磊", pinyin: "Lei" },
  { hanzi: "婷", pinyin: "Ting" },
  { hanzi: "俊杰", pinyin: "Junjie" },
  { hanzi: "晓燕", pinyin: "Xiaoyan" },
  { hanzi: "志强", pinyin: "Zhiqiang" },
  { hanzi: "雅琪", pinyin: "Yaqi" },
  { hanzi: "海涛", pinyin: "Haitao" },
  { hanzi: "丽娟", pinyin: "Lijuan" },
  { hanzi: "建华", pinyin: "Jianhua" },
  { hanzi: "佳怡", pinyin: "Jiayi" },
];

const CHILD_GIVEN: { hanzi: string; pinyin: string }[] = [
  { hanzi: "子涵", pinyin: "Zihan" },
  { hanzi: "浩然", pinyin: "Haoran" },
  { hanzi: "欣怡", pinyin: "Xinyi" },
  { hanzi: "思远", pinyin: "Siyuan" },
  { hanzi: "雨桐", pinyin: "Yutong" },
  { hanzi: "梓轩", pinyin: "Zixuan" },
  { hanzi: "一诺", pinyin: "Yinuo" },
  { hanzi: "诗涵", pinyin: "Shihan" },
];

const ENGLISH_FIRST = [
  "Grace",
  "Kevin",
  "Vivian",
  "Jason",
  "Cindy",
  "Eric",
  "Helen",
  "Michael",
  "Jenny",
  "David",
  "Amy",
  "Tony",
];
const CHILD_ENGLISH = ["Ethan", "Chloe", "Lucas", "Emily", "Ryan", "Sophia", "Aiden", "Olivia"];
const UK_FIRST = [
  "Oliver",
  "Emma",
  "Harry",
  "Sophie",
  "James",
  "Charlotte",
  "George",
  "Amelia",
  "Thomas",
  "Lucy",
];
const UK_LAST = [
  "Smith",
  "Taylor",
  "Brown",
  "Wilson",
  "Evans",
  "Hughes",
  "Clarke",
  "Walker",
  "Wright",
  "Hall",
];
const UK_CHILD = ["Alfie", "Isla", "Freddie", "Poppy", "Jack", "Ava", "Noah", "Mia"];
const GRADES = ["Pre-K", "Kindergarten", "Grade 1", "Grade 3", "Grade 6", "Grade 9", "Grade 11"];

const EMAIL_DOMAINS: Record<TRegion, string[]> = {
  cn: ["qq.com", "163.com", "126.com", "foxmail.com", "gmail.com"],
  hk: ["gmail.com", "yahoo.com.hk", "outlook.com", "netvigator.com"],
  uk: ["gmail.com", "btinternet.com", "outlook.com", "hotmail.co.uk"],
};
const WORK_DOMAINS = [
  "boc-staff.example.cn",
  "harbour-bank.example.hk",
  "lawfirm.example.co.uk",
  "consulting.example.com",
];

const OPENID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/** An OpenID as an Official Account sees it: 28 characters starting with `o`. */
function makeOpenid(rng: TRandom): string {
  return `o${rng.string(27, OPENID_ALPHABET)}`;
}

function makePhone(region: TRegion, r: TRandom): string {
  if (region === "cn")
    return `+86${r.pick(["138", "139", "186", "137", "159", "135"])}${r.string(8, "0123456789")}`;
  if (region === "hk") return `+852${r.pick(["5", "6", "9"])}${r.string(7, "0123456789")}`;
  // Ofcom's range reserved for drama: 07700 900000–900999.
  return `+447700900${r.string(3, "0123456789")}`;
}

/** A name as written: Chinese family name first and unspaced (王芳), others `First Last`. */
export function formatName(name: TName): string {
  return /\p{Script=Han}/u.test(name.last) ? `${name.last}${name.first}` : `${name.first} ${name.last}`;
}

/** Phone numbers as people type them into forms; all the same number. */
export function formatPhone(e164: string, style: "e164" | "spaced" | "local"): string {
  if (style === "e164") return e164;
  const m = /^\+(86|852|44)(\d+)$/.exec(e164);
  if (!m) return e164;
  const [, cc, rest] = m as unknown as [string, string, string];
  if (style === "local") return cc === "44" ? `0${rest}` : rest;
  if (cc === "86") return `+86 ${rest.slice(0, 3)} ${rest.slice(3, 7)} ${rest.slice(7)}`;
  if (cc === "852") return `+852 ${rest.slice(0, 4)} ${rest.slice(4)}`;
  return `+44 ${rest.slice(0, 4)} ${rest.slice(4)}`;
}

function asciiSlug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "");
}

function birthDate(r: TRandom, grade: string): string {
  const ageByGrade: Record<string, number> = {
    "Pre-K": 3,
    Kindergarten: 5,
    "Grade 1": 6,
    "Grade 3": 8,
    "Grade 6": 11,
    "Grade 9": 14,
    "Grade 11": 16,
  };
  const year = 2026 - (ageByGrade[grade] ?? 8) - 1;
  return `${year}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`;
}

/** Person `index` (0-based) of the cast for `seed`. */
export function createPerson(seed: number, index: number): TPerson {
  const r = createRandom(deriveSeed(seed, `person:${index}`));
  const key = `p${String(index + 1).padStart(3, "0")}`;
  const region = r.pickWeighted<TRegion>(["cn", "hk", "uk"], (x) => ({ cn: 6, hk: 3, uk: 2 })[x]);
  const grade = r.pick(GRADES);
  // The index in the tag keeps addresses unique across the cast (HubSpot keys contacts on email).
  const tag = `${r.int(1, 9)}${String(index).padStart(2, "0")}`;
  if (region === "uk") {
    const first = r.pick(UK_FIRST);
    const last = r.pick(UK_LAST);
    return {
      key,
      index,
      region,
      names: [{ first, last }],
      displayName: `${first} ${last}`,
      email: `${asciiSlug(first)}.${asciiSlug(last)}${tag}@${r.pick(EMAIL_DOMAINS.uk)}`,
      otherEmail: `${asciiSlug(first)[0]}.${asciiSlug(last)}.${tag}@${r.pick(WORK_DOMAINS)}`,
      phone: makePhone("uk", r),
      usesWechat: r.chance(0.15),
      openid: makeOpenid(r),
      child: { first: r.pick(UK_CHILD), last, chinese: null, grade, birthDate: birthDate(r, grade) },
    };
  }
  const surname = r.pick(SURNAMES);
  const given = r.pick(GIVEN);
  const english = r.pick(ENGLISH_FIRST);
  const last = region === "hk" ? surname.hk : surname.pinyin;
  const childGiven = r.pick(CHILD_GIVEN);
  const romanised: TName = { first: given.pinyin, last };
  const chinese: TName = { first: given.hanzi, last: surname.hanzi };
  const withEnglish: TName = { first: english, last };
  // Hong Kong parents mostly go by their English name; mainland parents by their Chinese one.
  const names = region === "hk" ? [withEnglish, chinese, romanised] : [romanised, chinese, withEnglish];
  const localPart =
    region === "cn" && r.chance(0.4)
      ? `${asciiSlug(last)}${asciiSlug(given.pinyin)}${tag}`
      : `${asciiSlug(names[0]!.first)}.${asciiSlug(last)}${tag}`;
  return {
    key,
    index,
    region,
    names,
    displayName: `${surname.hanzi}${given.hanzi} ${english} ${last}`,
    email: `${localPart}@${r.pick(EMAIL_DOMAINS[region])}`,
    otherEmail: `${asciiSlug(english)}.${asciiSlug(last)}.${tag}@${r.pick(WORK_DOMAINS)}`,
    phone: makePhone(region, r),
    usesWechat: region === "cn" ? r.chance(0.95) : r.chance(0.7),
    openid: makeOpenid(r),
    child: {
      first: region === "hk" || r.chance(0.3) ? r.pick(CHILD_ENGLISH) : childGiven.pinyin,
      last,
      chinese: `${surname.hanzi}${childGiven.hanzi}`,
      grade,
      birthDate: birthDate(r, grade),
    },
  };
}
