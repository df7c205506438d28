import { pendingArea } from "@/components/area-pending";

const area = pendingArea("identities");
export const metadata = area.metadata;
export default area.Page;
