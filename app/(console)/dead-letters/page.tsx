import { pendingArea } from "@/components/area-pending";

const area = pendingArea("dead-letters");
export const metadata = area.metadata;
export default area.Page;
