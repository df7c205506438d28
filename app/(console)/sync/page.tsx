import { pendingArea } from "@/components/area-pending";

const area = pendingArea("sync");
export const metadata = area.metadata;
export default area.Page;
