/**
 * Synthetic import files for the csv-import benchmark: companies with domains, contacts at those
 * domains (one company column per contact), tickets whose description names a contact's e-mail.
 */
import { createWriteStream } from "node:fs";
import path from "node:path";
import { once } from "node:events";

export interface TImportSizes {
  companies: number;
  contacts: number;
  tickets: number;
}

async function writeLines(
  file: string,
  header: string,
  n: number,
  line: (i: number) => string,
): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  for (let i = 0; i < n; i++) {
    if (!out.write(`${line(i)}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

export const companyDomain = (i: number) => `company-${i}.example.com`;
export const contactEmail = (i: number) => `person.${i}@${companyDomain(i % 1000)}`;

export async function writeImportFiles(
  dir: string,
  sizes: TImportSizes,
): Promise<Record<keyof TImportSizes, string>> {
  const files = {
    companies: path.join(dir, "companies.csv"),
    contacts: path.join(dir, "contacts.csv"),
    tickets: path.join(dir, "tickets.csv"),
  };
  await writeLines(
    files.companies,
    "Company name,Website,City",
    sizes.companies,
    (i) => `"Company ${i}, Ltd",https://www.${companyDomain(i)}/,City ${i % 50}`,
  );
  await writeLines(
    files.contacts,
    "Email,First name,Last name,Phone,Company domain",
    sizes.contacts,
    (i) =>
      `${contactEmail(i)},First${i},Last${i},+1 202 555 ${String(i % 10_000).padStart(4, "0")},${companyDomain(i % sizes.companies)}`,
  );
  await writeLines(
    files.tickets,
    "Subject,Description,Priority",
    sizes.tickets,
    (i) =>
      `Ticket ${i},"Customer ${contactEmail(i % sizes.contacts)} reports problem ${i}.\nPlease call back.",${["LOW", "MEDIUM", "HIGH"][i % 3]}`,
  );
  return files;
}
