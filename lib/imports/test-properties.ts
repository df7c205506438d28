/** A small property set shaped like HubSpot's defaults, for unit tests of mapping and validation. */
import type { TPropertyDef } from "@/lib/imports/types";

const p = (name: string, type = "string", fieldType = "text", options: string[] = []): TPropertyDef => ({
  name,
  label: name,
  type,
  fieldType,
  options: options.map((o) => ({ value: o, label: o.charAt(0) + o.slice(1).toLowerCase() })),
  hasUniqueValue: false,
});

export const CONTACT_PROPS: TPropertyDef[] = [
  { ...p("email"), label: "Email" },
  { ...p("firstname"), label: "First Name" },
  { ...p("lastname"), label: "Last Name" },
  { ...p("phone", "string", "phonenumber"), label: "Phone Number" },
  { ...p("mobilephone", "string", "phonenumber"), label: "Mobile Phone Number" },
  { ...p("company"), label: "Company Name" },
  { ...p("jobtitle"), label: "Job Title" },
  p("lifecyclestage", "enumeration", "radio", ["SUBSCRIBER", "LEAD", "CUSTOMER"]),
  p("date_of_birth", "date", "date"),
];
export const COMPANY_PROPS: TPropertyDef[] = [
  { ...p("name"), label: "Company name" },
  { ...p("domain"), label: "Company Domain Name" },
  p("industry", "enumeration", "select", ["COMPUTER_SOFTWARE", "EDUCATION"]),
  p("city"),
  p("numberofemployees", "number", "number"),
];
export const TICKET_PROPS: TPropertyDef[] = [
  { ...p("subject"), label: "Ticket name" },
  { ...p("content", "string", "textarea"), label: "Ticket description" },
  p("hs_pipeline", "enumeration", "select", ["0"]),
  p("hs_pipeline_stage", "enumeration", "select", ["1", "2", "3", "4"]),
  {
    ...p("hs_ticket_priority", "enumeration", "select", ["LOW", "MEDIUM", "HIGH", "URGENT"]),
    label: "Priority",
  },
];
