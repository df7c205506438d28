import { pendingArea } from "@/components/area-pending";

const area = pendingArea("events");
export const metadata = area.metadata;
export default area.Page;
