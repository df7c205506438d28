import { pendingArea } from "@/components/area-pending";

const area = pendingArea("imports");
export const metadata = area.metadata;
export default area.Page;
