/** Query keys for the Identities area; review decisions invalidate `reviews` and `people`. */
export const identityKeys = {
  all: ["identities"] as const,
  search: (q: string) => [...identityKeys.all, "search", q] as const,
  people: () => [...identityKeys.all, "person"] as const,
  person: (personId: string) => [...identityKeys.people(), personId] as const,
  reviews: () => [...identityKeys.all, "reviews"] as const,
  reviewList: (status: string) => [...identityKeys.reviews(), status] as const,
};
