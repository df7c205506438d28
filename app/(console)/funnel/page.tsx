import { pendingArea } from "@/components/area-pending";

const area = pendingArea("funnel");
export const metadata = area.metadata;
export default area.Page;
