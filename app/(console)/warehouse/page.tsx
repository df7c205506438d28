import { pendingArea } from "@/components/area-pending";

const area = pendingArea("warehouse");
export const metadata = area.metadata;
export default area.Page;
