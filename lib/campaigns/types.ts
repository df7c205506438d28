/** A campaign as the console shows it (shared by the server module and the client view). */
export type TCampaignRow = {
  id: string;
  name: string;
  scene: string;
  qrUrl: string | null;
  hasQr: boolean;
  followers: number;
  createdAt: string;
};
