import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built on first request (not at import) so `next build` needs no secrets.
function handler(request: Request, ctx: Ctx): Promise<Response> {
  return NextAuth(request as never, ctx as never, authOptions()) as Promise<Response>;
}

export { handler as GET, handler as POST };
